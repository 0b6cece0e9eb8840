import time
from tests.proposals.conftest import make_proposal

def test_t(demo, client):
    t=time.time()
    for s in ["draft","submitted","collective_rejected"]:
        for _ in range(10):
            make_proposal(demo["cadre_a"], s)
        print(s, (time.time()-t)/10); t=time.time()
    client.force_login(demo["cadre_a"])
    p = make_proposal(demo["cadre_a"], "draft")
    t=time.time()
    for _ in range(10):
        r = client.get(f"/proposals/{p.pk}/")
    print("detail", (time.time()-t)/10, r.status_code)
