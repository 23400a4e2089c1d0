"""Until an editor approves a shop nothing of it is public; editors decide in the Wagtail admin."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.http import Http404
from django.urls import reverse

from marketplace import selectors
from marketplace.models import Shop, ShopStatus
from tests.marketplace.factories import (
    MotifFactory,
    ProductFactory,
    ShopFactory,
    UserFactory,
    add_photo,
)
from tourism.roles import EDITORS

pytestmark = pytest.mark.django_db

HIDDEN_STATUSES = [ShopStatus.PENDING, ShopStatus.REJECTED, ShopStatus.SUSPENDED]


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_a_shop_not_approved_is_invisible_everywhere(client, home_page, status):
    motif = MotifFactory(name="Ombak Sinapur Karang", slug="ombak-sinapur-karang")
    shop = ShopFactory(name="Toko Tersembunyi", status=status)
    product = ProductFactory(shop=shop, title_id="Kain Tersembunyi", motif=motif, is_published=True)
    add_photo(product, is_main=True)
    visible = ProductFactory(title_id="Kain Terlihat", motif=motif)

    for language in ("id", "en"):
        assert client.get(f"/{language}/kampung-sasirangan/perajin/{shop.slug}/").status_code == 404
        assert client.get(f"/{language}/kampung-sasirangan/produk/{product.slug}/").status_code == 404
    pages = {
        "listing": client.get("/id/kampung-sasirangan/"),
        "filtered listing": client.get("/id/kampung-sasirangan/?motif=ombak-sinapur-karang"),
        "motif page": client.get("/id/kampung-sasirangan/motif/ombak-sinapur-karang/"),
        "motif index": client.get("/id/kampung-sasirangan/motif/"),
        "shop index": client.get("/id/kampung-sasirangan/perajin/"),
        "home page": client.get("/id/"),
    }
    for name, response in pages.items():
        text = response.content.decode()
        assert "Kain Tersembunyi" not in text, name
        assert "Toko Tersembunyi" not in text, name
    assert "Kain Terlihat" in pages["motif page"].content.decode()
    # The motif index counts only public products.
    assert "1 produk" in pages["motif index"].content.decode()

    assert product not in selectors.products_highlighted(limit=10)
    assert product not in selectors.products_public()
    assert shop not in selectors.shops_public()
    assert shop not in selectors.motif_shops(motif=motif)
    assert visible in selectors.products_public()
    with pytest.raises(Http404):
        selectors.product_public_get(slug=product.slug)
    with pytest.raises(Http404):
        selectors.shop_public_get(slug=shop.slug)


def test_approving_makes_the_shop_and_its_published_products_public(client):
    shop = ShopFactory(status=ShopStatus.PENDING)
    product = ProductFactory(shop=shop)
    draft = ProductFactory(shop=shop, is_published=False)
    from marketplace.services import shop_decide

    shop_decide(shop=shop, decision="approve")
    assert client.get(f"/id/kampung-sasirangan/perajin/{shop.slug}/").status_code == 200
    assert client.get(f"/id/kampung-sasirangan/produk/{product.slug}/").status_code == 200
    assert client.get(f"/id/kampung-sasirangan/produk/{draft.slug}/").status_code == 404


def test_home_page_highlights_in_stock_products_first():
    shop = ShopFactory()
    sold_out = ProductFactory(shop=shop, stock=0, title_id="Habis Terbaru")
    in_stock = [ProductFactory(shop=shop, stock=2) for _ in range(2)]
    highlighted = selectors.products_highlighted(limit=3)
    assert highlighted[:2] == list(reversed(in_stock))
    assert highlighted[2] == sold_out


# --- The editors' side -----------------------------------------------------------------

@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@banjarkab.go.id", "sandi-editor-1")
    client.force_login(editor)
    return client


def decide_url(shop):
    return reverse(Shop.snippet_viewset.get_url_name("decide"), args=[shop.pk])


def test_editor_sees_pending_shops_and_a_decide_button(editor_client):
    shop = ShopFactory(name="Toko Menunggu Keputusan", status=ShopStatus.PENDING)
    listing = editor_client.get(reverse(Shop.snippet_viewset.get_url_name("list")))
    assert listing.status_code == 200
    assert "Toko Menunggu Keputusan" in listing.content.decode()
    assert decide_url(shop) in listing.content.decode()
    dashboard = editor_client.get("/admin/").content.decode()
    assert "1 toko menunggu persetujuan" in dashboard


def test_a_shop_s_edit_page_has_the_button_to_decide(editor_client):
    """Its status is read-only there; an editor who opened an application from the list looked for the
    way to approve it (found by an editor's walk)."""
    from bs4 import BeautifulSoup

    shop = ShopFactory(name="Toko Baru", status=ShopStatus.PENDING)
    page = BeautifulSoup(editor_client.get(reverse(Shop.snippet_viewset.get_url_name("edit"), args=[shop.pk])).content,
                         "html.parser")
    button = page.select_one(f"header a[href='{decide_url(shop)}']")
    assert button is not None and button.get_text(strip=True) == "Putuskan"
    shop.status = ShopStatus.APPROVED
    shop.save()
    page = BeautifulSoup(editor_client.get(reverse(Shop.snippet_viewset.get_url_name("edit"), args=[shop.pk])).content,
                         "html.parser")
    assert page.select_one(f"header a[href='{decide_url(shop)}']").get_text(strip=True) == "Ubah keputusan"


def test_editor_approves_and_the_artisan_gets_an_email(editor_client, django_capture_on_commit_callbacks):
    shop = ShopFactory(status=ShopStatus.PENDING, owner__email="ibu@contoh.id")
    assert editor_client.get(decide_url(shop)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(decide_url(shop), {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED
    assert shop.decided_by.username == "editor" and shop.decided_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ibu@contoh.id"]
    assert mail.outbox[0].subject == "Toko Anda di Kampung Sasirangan disetujui"


def test_a_member_of_editors_sees_approves_and_rejects_shops(client, django_capture_on_commit_callbacks):
    """The regency's content editors decide on shops (the demo's `editor` is such a user, not a
    superuser); the permissions come from the groups' data migrations."""
    editor = UserFactory(username="editor-uji")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    waiting = ShopFactory(name="Toko Menunggu Keputusan", status=ShopStatus.PENDING, owner__email="ibu@contoh.id")
    other = ShopFactory(status=ShopStatus.PENDING)

    listing = client.get(reverse(Shop.snippet_viewset.get_url_name("list")))
    assert listing.status_code == 200
    assert "Toko Menunggu Keputusan" in listing.text and decide_url(waiting) in listing.text
    assert "2 toko menunggu persetujuan" in client.get("/admin/").text
    assert client.get(decide_url(waiting)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(decide_url(waiting), {"decision": "approve", "reason": ""})
        rejected = client.post(decide_url(other), {"decision": "reject", "reason": "Foto toko kurang jelas."})
    assert approved.status_code == rejected.status_code == 302
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == ShopStatus.APPROVED and waiting.decided_by == editor
    assert other.status == ShopStatus.REJECTED and other.decided_by == editor
    assert [message.to for message in mail.outbox] == [["ibu@contoh.id"], [other.owner.email]]
    # Editors still cannot create a shop (ShopPermissionPolicy), and moderate visitors' photos.
    assert client.get(reverse(Shop.snippet_viewset.get_url_name("add"))).status_code in {302, 403}
    assert editor.has_perm("tourism.moderate_visitorphoto")


def test_rejecting_needs_a_reason_which_the_artisan_reads(editor_client, django_capture_on_commit_callbacks):
    shop = ShopFactory(status=ShopStatus.PENDING)
    response = editor_client.post(decide_url(shop), {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "Tuliskan alasannya" in response.content.decode()
    shop.refresh_from_db()
    assert shop.status == ShopStatus.PENDING and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(decide_url(shop), {"decision": "reject", "reason": "Foto toko kurang jelas."})
    shop.refresh_from_db()
    assert shop.status == ShopStatus.REJECTED
    assert "Foto toko kurang jelas." in mail.outbox[0].body
    assert "ditolak" in mail.outbox[0].subject

    editor_client.logout()
    editor_client.force_login(shop.owner)
    assert "Foto toko kurang jelas." in editor_client.get("/toko/").content.decode()


def test_suspending_hides_an_approved_shop(editor_client):
    shop = ShopFactory(status=ShopStatus.APPROVED)
    product = ProductFactory(shop=shop)
    editor_client.post(decide_url(shop), {"decision": "suspend", "reason": "Laporan pembeli sedang diperiksa."})
    editor_client.logout()
    assert editor_client.get(f"/id/kampung-sasirangan/produk/{product.slug}/").status_code == 404


def test_the_status_cannot_be_changed_through_the_edit_form(editor_client):
    shop = ShopFactory(status=ShopStatus.PENDING)
    edit_url = reverse(Shop.snippet_viewset.get_url_name("edit"), args=[shop.pk])
    response = editor_client.get(edit_url)
    assert response.status_code == 200
    editor_client.post(edit_url, {"name": shop.name, "story_id": shop.story_id, "district": shop.district_id,
                                  "status": "approved"})
    shop.refresh_from_db()
    assert shop.status == ShopStatus.PENDING


def test_artisans_cannot_reach_the_decision_view(client):
    shop = ShopFactory(status=ShopStatus.PENDING)
    client.force_login(shop.owner)
    response = client.post(decide_url(shop), {"decision": "approve"})
    assert response.status_code in {302, 403}
    shop.refresh_from_db()
    assert shop.status == ShopStatus.PENDING


def test_editors_admin_pages_for_every_marketplace_snippet_open(editor_client):
    from marketplace.models import Color, Motif, Product

    product = ProductFactory(motif=MotifFactory())
    add_photo(product, is_main=True)
    for model, instance in ((Shop, product.shop), (Product, product), (Motif, product.motif),
                            (Color, Color.objects.first())):
        viewset = model.snippet_viewset
        for name, args in (("list", []), ("add", []), ("edit", [instance.pk])):
            response = editor_client.get(reverse(viewset.get_url_name(name), args=args))
            if name == "add" and model is Shop:
                # A shop needs an owner's login: artisans apply in /toko/, editors never create one.
                assert response.status_code in {302, 403}
                continue
            assert response.status_code == 200, (model.__name__, name)


def test_editor_unpublishes_a_product_in_the_admin(editor_client):
    from marketplace.models import Product

    product = ProductFactory()
    edit_url = reverse(Product.snippet_viewset.get_url_name("edit"), args=[product.pk])
    response = editor_client.post(edit_url, {
        "title_id": product.title_id, "title_en": "", "description_id": product.description_id,
        "description_en": "", "price_idr": product.price_idr, "kind": product.kind, "motif": "", "fabric": "",
        "dye": "", "is_published": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    product.refresh_from_db()
    assert not product.is_published


def test_approving_a_corrected_application_does_not_repeat_the_rejection(
        editor_client, django_capture_on_commit_callbacks):
    """An artisan corrected a rejected application; the editor opened it and approved it as the page
    offered it. The decision form came filled with the rejection's reason, so the approval email said
    "Alasan dari editor: Foto toko belum ada" and the approved shop's dashboard kept showing it as the
    editor's note (found by walking the journey)."""
    shop = ShopFactory(status=ShopStatus.REJECTED, decision_reason="Foto toko belum ada.",
                       owner__email="ibu@contoh.id")
    owner = shop.owner
    editor_client.force_login(owner)
    assert editor_client.post("/toko/profil/", {"name": shop.name, "story_id": "Cerita yang lebih lengkap.",
                                                "district": shop.district_id}).status_code == 302
    editor_client.logout()
    editor_client.force_login(get_user_model().objects.get(username="editor"))

    page = BeautifulSoup(editor_client.get(decide_url(shop)).content, "html.parser")
    assert page.select_one("textarea[name=reason]").get_text().strip() == ""
    # The editor still reads what the artisan was told last time.
    assert "Foto toko belum ada." in page.select_one("main").get_text()
    shown = {"decision": page.select_one("input[name=decision][checked]")["value"],
             "reason": page.select_one("textarea[name=reason]").get_text()}
    assert shown["decision"] == "approve"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(decide_url(shop), shown).status_code == 302

    shop.refresh_from_db()
    assert shop.status == ShopStatus.APPROVED and shop.decision_reason == ""
    assert "disetujui" in mail.outbox[-1].subject
    assert "Foto toko belum ada." not in mail.outbox[-1].body
    editor_client.force_login(owner)
    assert "Foto toko belum ada." not in editor_client.get("/toko/").content.decode()
