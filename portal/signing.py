"""PAdES signatures (pyHanko) of the PDFs the portal issues — the dossier and the official
documents — when a PKCS#12 signing certificate is configured (`PORTAL_SIGNING_CERT`,
`PORTAL_SIGNING_PASSWORD`). The demo and the tests make a throwaway self-signed certificate
(`throwaway_certificate`); a real deployment configures the unit's own."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from django.conf import settings


def configured() -> bool:
    path = getattr(settings, "PORTAL_SIGNING_CERT", "")
    return bool(path) and Path(path).is_file()


def sign_pdf(data: bytes, *, reason: str = "") -> tuple[bytes, bool]:
    """The PDF signed (PAdES B-B) with the configured certificate, and whether it was signed; the
    PDF unchanged when no certificate is configured."""
    if not configured():
        return data, False
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    password = settings.PORTAL_SIGNING_PASSWORD.encode() or None
    signer = signers.SimpleSigner.load_pkcs12(pfx_file=settings.PORTAL_SIGNING_CERT, passphrase=password)
    if signer is None:
        raise ValueError("PORTAL_SIGNING_CERT could not be read with PORTAL_SIGNING_PASSWORD")
    metadata = signers.PdfSignatureMetadata(
        field_name="PortalSignature", subfilter=fields.SigSeedSubFilter.PADES, reason=reason or None
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), metadata, signer=signer)
    return out.getvalue(), True


def throwaway_certificate(
    path: Path, password: str, name: str = "Cổng đổi mới sáng tạo (thử nghiệm)"
) -> Path:
    """A self-signed certificate and key in a PKCS#12 file, for the demo and the tests only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, name)]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"portal", key, certificate, None, serialization.BestAvailableEncryption(password.encode())
    ))  # fmt: skip
    return path
