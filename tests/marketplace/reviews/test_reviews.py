"""Buyers review what they received: only through the signed link of a bought line, once per product,
after delivery; editors approve or reject with a reason; the artisan replies once; visitors find
reviews helpful and report them; product and shop pages and the JSON-LD show approved ones only."""

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.media import private_storage
from config.renditions import REVIEW_PHOTO
from marketplace.orders import fulfilment
from marketplace.orders.models import SubOrderStatus
from marketplace.reviews import links
from marketplace.reviews.models import Review, ReviewPhoto, ReviewReport, ReviewStatus
from tests.marketplace.factories import ReviewFactory, UserFactory, jpeg_bytes, png_bytes
from tests.marketplace.orders import factories as f
from tourism.roles import EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def bought():
    """Rina (Kota Surabaya) bought a cloth from Ibu Aminah; it was shipped, not yet received."""
    shop = f.shop(name="Sasirangan Ibu Aminah")
    product = f.product(shop=shop, title_id="Kain Gigi Haruan", title_en="Gigi Haruan Cloth", slug="kain-gigi-haruan",
                        price_idr=175_000, stock=5)
    order = f.paid_order((product, 1), contact=f.checkout.Contact(name="Rina Wulandari", email="Rina@Contoh.id",
                                                                  phone="+6281234567890"))
    sub_order = order.sub_orders.get()
    fulfilment.suborder_mark_shipped(sub_order=sub_order, courier="JNE", tracking_number="JNE0123456789")
    mail.outbox.clear()
    return {"shop": shop, "product": product, "order": order, "sub_order": sub_order, "line": sub_order.lines.get()}


@pytest.fixture
def delivered(bought, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.suborder_mark_delivered(sub_order=bought["sub_order"])
    return bought


@pytest.fixture
def editor():
    user = UserFactory(email="editor@banjarkab.go.id")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def write_url(line, language="id"):
    return links.review_path(line_pk=line.pk, language=language)


def photo_upload(name="kain.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes((640, 480)), content_type)


def post_review(client, line, *, rating="5", text="Kainnya halus, warnanya sama dengan di foto. Terima kasih!",
                language="id", photos=(), url=None):
    data = {"rating": rating, "text": text, "language": language}
    if photos:
        data["photos"] = list(photos)
    return client.post(url or write_url(line), data)


def errors_of(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(node.get_text(" ", strip=True) for node in soup.select(".ko-errors, .ko-message--error"))


def private_files() -> list[str]:
    storage = private_storage()
    try:
        return storage.listdir("review-photos")[1]
    except FileNotFoundError:
        return []


def jsonld_of(response) -> dict:
    soup = BeautifulSoup(response.content, "html.parser")
    return json.loads(soup.find("script", type="application/ld+json").string)


# --- Delivery and the invitation ------------------------------------------------------------

def test_the_buyer_says_the_parcel_arrived_and_is_invited_to_review(client, bought,
                                                                    django_capture_on_commit_callbacks):
    order, sub_order = bought["order"], bought["sub_order"]
    status_url = f"/id/kampung-sasirangan/pesanan/{order.token}/"
    page = client.get(status_url)
    assert "Paket sudah saya terima" in page.content.decode()
    assert "Ulas Kain Gigi Haruan" not in page.content.decode()  # no review link before delivery

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/id/kampung-sasirangan/pesanan/{order.token}/diterima/{sub_order.pk}/")
    assert response.status_code == 302
    sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.DELIVERED and sub_order.delivered_at is not None
    page = client.get(status_url).content.decode()
    assert "Diterima" in page and "Ulas Kain Gigi Haruan" in page

    [invitation] = mail.outbox
    assert invitation.to == ["Rina@Contoh.id"]
    assert "sudah diterima" in invitation.subject
    link = re.search(r"https?://\S+/id/kampung-sasirangan/ulasan/tulis/\S+/", invitation.body).group(0)
    assert client.get(urlsplit(link).path).status_code == 200

    # Saying it again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/id/kampung-sasirangan/pesanan/{order.token}/diterima/{sub_order.pk}/")
    assert len(mail.outbox) == 1


def test_an_unshipped_part_cannot_be_marked_received(client, django_capture_on_commit_callbacks):
    order = f.paid_order((f.product(shop=f.shop(), stock=2), 1))
    sub_order = order.sub_orders.get()
    response = client.post(f"/id/kampung-sasirangan/pesanan/{order.token}/diterima/{sub_order.pk}/")
    assert response.status_code == 409
    assert "Hanya pesanan yang sudah dikirim" in errors_of(response)
    sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.PAID
    # Another order's part, named under this order's link: nothing.
    other = f.paid_order((f.product(shop=f.shop(), stock=2), 1)).sub_orders.get()
    assert client.post(f"/id/kampung-sasirangan/pesanan/{order.token}/diterima/{other.pk}/").status_code == 404


def test_the_artisan_marks_it_received_from_the_dashboard(client, bought, django_capture_on_commit_callbacks):
    client.force_login(bought["shop"].owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/toko/pesanan/{bought['sub_order'].pk}/diterima/")
    assert response.status_code == 302
    bought["sub_order"].refresh_from_db()
    assert bought["sub_order"].status == SubOrderStatus.DELIVERED
    assert [message.to for message in mail.outbox] == [["Rina@Contoh.id"]]
    # A delivered part is still settled to the artisan like a shipped one.
    from marketplace.orders.payouts import settleable_lines

    assert settleable_lines(period_end=timezone.localdate()).filter(
        sub_order=bought["sub_order"]).exists()


def test_an_english_order_is_invited_in_english(client, django_capture_on_commit_callbacks):
    product = f.product(shop=f.shop(), title_id="Selendang Kulat Karikit", title_en="Kulat Karikit Shawl", stock=2)
    with django_capture_on_commit_callbacks(execute=True):
        f.delivered_order((product, 1), language="en")
    [invitation] = [message for message in mail.outbox if "review" in message.body.lower()]
    assert "has arrived" in invitation.subject
    assert "Kulat Karikit Shawl" in invitation.body and "/en/kampung-sasirangan/ulasan/tulis/" in invitation.body


# --- Writing ---------------------------------------------------------------------------------

def test_a_buyer_reviews_with_a_photo_and_it_waits_for_an_editor(client, delivered):
    line, product = delivered["line"], delivered["product"]
    form = client.get(write_url(line))
    assert form.status_code == 200
    assert "Rina, Surabaya" in form.content.decode()  # the public name: first name and city only

    response = post_review(client, line, rating="4", photos=[photo_upload()])
    assert response.status_code == 303
    review = Review.objects.get()
    assert (review.rating, review.language, review.status) == (4, "id", ReviewStatus.PENDING)
    assert (review.author_name, review.author_city, review.buyer_email) == ("Rina", "Surabaya", "rina@contoh.id")
    assert review.line == line and review.shop == delivered["shop"]
    [photo] = review.photos.all()
    assert photo.image is None and photo.pending_file in [f"review-photos/{name}" for name in private_files()]
    # Not public yet.
    page = client.get(product.get_absolute_url())
    assert "Kainnya halus" not in page.content.decode()
    assert "aggregateRating" not in jsonld_of(page)
    # Coming back to the link says where it stands.
    assert "sedang diperiksa editor" in client.get(write_url(line)).content.decode()


def test_a_review_in_english_records_its_language(client, delivered):
    response = post_review(client, delivered["line"], language="en", url=write_url(delivered["line"], "en"),
                           text="Beautiful hand-dyed cloth, exactly as pictured.")
    assert response.status_code == 303
    assert Review.objects.get().language == "en"


def test_the_english_form_reads_in_english(client, delivered):
    page = client.get(write_url(delivered["line"], "en")).content.decode()
    assert "Your rating" in page and "Send review" in page and "Review Gigi Haruan Cloth" in page


def test_before_delivery_nothing_is_written(client, bought):
    line = bought["line"]
    assert client.get(write_url(line)).status_code == 409
    response = post_review(client, line)
    assert response.status_code == 409
    assert "setelah pesanan Anda diterima" in errors_of(response)
    assert not Review.objects.exists()


def test_twice_is_refused(client, delivered):
    assert post_review(client, delivered["line"]).status_code == 303
    response = post_review(client, delivered["line"], rating="1", text="Saya ubah pikiran, jelek sekali.")
    assert response.status_code == 409
    assert "sudah mengulas produk ini" in errors_of(response)
    assert Review.objects.get().rating == 5


def test_the_same_product_bought_again_is_still_reviewed_once(client, delivered):
    assert post_review(client, delivered["line"]).status_code == 303
    again = f.delivered_order((delivered["product"], 1), contact=f.checkout.Contact(
        name="Rina W", email="rina@contoh.id", phone="+6281234567890"))
    response = post_review(client, again.sub_orders.get().lines.get())
    assert response.status_code == 409
    assert Review.objects.count() == 1


@pytest.mark.parametrize("mangle", ["signature", "line", "garbage"])
def test_tampered_or_guessed_links_show_nothing(client, delivered, mangle):
    line = delivered["line"]
    token = links.review_link_token(line_pk=line.pk)
    pk, signature = token.split(".")
    forged = {
        "signature": f"{pk}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "line": f"{int(pk) + 1}.{signature}",  # another line under this line's signature
        "garbage": "1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    }[mangle]
    url = f"/id/kampung-sasirangan/ulasan/tulis/{forged}/"
    for response in (client.get(url), post_review(client, line, url=url)):
        assert response.status_code == 404
        assert "Rina" not in response.content.decode() and "Gigi Haruan" not in response.content.decode()
    assert not Review.objects.exists()


def test_no_purchase_no_review(client, delivered):
    """A correctly signed link of a line that does not exist (nothing was bought) is a 404."""
    url = links.review_path(line_pk=delivered["line"].pk + 1000)
    assert client.get(url).status_code == 404
    assert post_review(client, delivered["line"], url=url).status_code == 404
    assert not Review.objects.exists()


def test_someone_elses_order_is_not_theirs_to_review(client, django_capture_on_commit_callbacks):
    owner = UserFactory(email="pemilik@contoh.id")
    order = f.delivered_order((f.product(shop=f.shop(), stock=2), 1), user=owner)
    line = order.sub_orders.get().lines.get()
    client.force_login(UserFactory(email="orang-lain@contoh.id"))
    assert client.get(write_url(line)).status_code == 404
    assert post_review(client, line).status_code == 404
    assert not Review.objects.exists()
    client.force_login(owner)
    assert post_review(client, line).status_code == 303


@pytest.mark.parametrize(("data", "message"), [
    ({"rating": "6"}, "Pilih nilai 1 sampai 5 bintang"),
    ({"rating": "lima"}, "Pilih nilai 1 sampai 5 bintang"),
    ({"text": "Bagus"}, "Ulasan terlalu pendek"),
    ({"text": "x" * 2001}, "Ulasan terlalu panjang"),
    ({"text": "\x01\x02\x03\x1b           "}, "Ulasan terlalu pendek"),
    ({"language": "fr"}, "Pilih bahasa Indonesia atau Inggris"),
])
def test_bad_input_is_refused_with_a_clear_message(client, delivered, data, message):
    response = post_review(client, delivered["line"], **data)
    assert response.status_code == 400
    assert message in errors_of(response)
    assert not Review.objects.exists()


def test_bad_photos_are_refused_and_nothing_is_kept(client, delivered, settings):
    line = delivered["line"]
    cases = [
        ([photo_upload("surat.jpg", b"<html><script>alert(1)</script></html>")], "bukan foto JPEG, PNG, atau WebP"),
        ([photo_upload(f"kain-{n}.jpg") for n in range(4)], "Paling banyak 3 foto per ulasan"),
    ]
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 50_000
    cases.append(([photo_upload("besar.png", png_bytes((400, 400)) + b"\0" * 60_000, "image/png")], "terlalu besar"))
    for photos, message in cases:
        response = post_review(client, line, photos=photos)
        assert response.status_code == 400, message
        assert message in errors_of(response)
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists() and private_files() == []


def test_a_photo_with_a_payload_is_stored_re_encoded(client, delivered):
    """A valid picture carrying a script after its end: accepted, but stored as its pixels only."""
    hostile = jpeg_bytes((320, 240)) + b"<?php system($_GET['c']); ?><script>alert(1)</script>"
    assert post_review(client, delivered["line"], photos=[photo_upload("kain.jpg", hostile)]).status_code == 303
    photo = ReviewPhoto.objects.get()
    with private_storage().open(photo.pending_file, "rb") as handle:
        stored = handle.read()
    assert b"<?php" not in stored and b"<script" not in stored


def test_a_body_far_too_large_is_refused_before_it_is_read(client, delivered):
    response = client.post(write_url(delivered["line"]), data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert not Review.objects.exists()


# --- Editors -----------------------------------------------------------------------------------

def test_an_editor_approves_and_the_pages_and_json_ld_show_it(client, delivered, editor,
                                                              django_capture_on_commit_callbacks):
    post_review(client, delivered["line"], rating="4", photos=[photo_upload()],
                text="<script>alert('x')</script> Kainnya halus </script><b>tebal</b>")
    review = Review.objects.get()
    pending_name = review.photos.get().pending_file
    client.force_login(editor)
    queue = client.get("/admin/gebrak/ulasan/")
    assert queue.status_code == 200 and "Kainnya halus" in queue.content.decode()
    photo_url = f"/admin/gebrak/ulasan/foto/{review.photos.get().pk}/"
    assert client.get(photo_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/gebrak/ulasan/{review.pk}/putuskan/", {"decision": "approve"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    photo = review.photos.get()
    assert photo.image is not None and photo.pending_file == ""
    # Its sizes made by the task the approval enqueued, not by the first visitor's request.
    assert set(photo.image.renditions.values_list("filter_spec", flat=True)) >= set(REVIEW_PHOTO)
    assert f"review-photos/{pending_name.rsplit('/', 1)[1]}" not in [f"review-photos/{n}" for n in private_files()]
    client.logout()

    page = client.get(delivered["product"].get_absolute_url())
    html = page.content.decode()
    soup = BeautifulSoup(page.content, "html.parser")
    section = soup.find(id="ulasan")
    assert "Rina, Surabaya" in section.get_text() and "Pembeli terverifikasi" in section.get_text()
    assert "4 dari 5 bintang, 1 ulasan" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "<b>tebal</b>" not in html
    assert section.select(".rv-photos img")
    data = jsonld_of(page)
    assert data["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": "4.0", "reviewCount": 1,
                                       "bestRating": 5, "worstRating": 1}
    assert data["review"][0]["author"] == {"@type": "Person", "name": "Rina"}
    assert data["review"][0]["reviewRating"]["ratingValue"] == 4
    assert "</script>" not in soup.find("script", type="application/ld+json").string
    # The shop's page shows the average and the review too.
    shop_page = client.get(delivered["shop"].get_absolute_url()).content.decode()
    assert "4 dari 5 bintang, 1 ulasan" in shop_page and "Rina, Surabaya" in shop_page


def test_a_review_photo_the_worker_made_after_a_visit_shows_on_the_product_page(
        client, delivered, editor, settings, monkeypatch, django_capture_on_commit_callbacks):
    """A visitor before the worker made the approved photo's sizes sees its placeholder; once made, the
    page shows the photo: the page's reviews are remembered (marketplace.reviews.selectors), but not
    while a photo of theirs is still being made."""
    from tests.task_worker import run_worker_here, use_database_backend

    post_review(client, delivered["line"], rating="5", photos=[photo_upload()], text="Warnanya cerah sekali.")
    review = Review.objects.get()
    client.force_login(editor)
    use_database_backend(settings, monkeypatch)  # the approval's sizes wait for the worker
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/gebrak/ulasan/{review.pk}/putuskan/", {"decision": "approve"})
    client.logout()
    url = delivered["product"].get_absolute_url()

    def photo_links() -> list[str]:
        section = BeautifulSoup(client.get(url).content, "html.parser").find(id="ulasan")
        return [link["href"] for link in section.select(".rv-photos a")]

    with django_capture_on_commit_callbacks(execute=True):
        assert not any(link.endswith(".webp") for link in photo_links())  # not made yet
    run_worker_here()
    assert [link for link in photo_links() if link.endswith(".webp")]


def test_an_editor_rejects_with_a_reason_the_buyer_receives(client, delivered, editor,
                                                            django_capture_on_commit_callbacks):
    post_review(client, delivered["line"], photos=[photo_upload()])
    review = Review.objects.get()
    client.force_login(editor)
    # No reason: refused, still waiting.
    client.post(f"/admin/gebrak/ulasan/{review.pk}/putuskan/", {"decision": "reject", "reason": "  "})
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/gebrak/ulasan/{review.pk}/putuskan/",
                    {"decision": "reject", "reason": "Ulasan memuat nomor telepon pribadi."})
    review.refresh_from_db()
    assert (review.status, review.reject_reason) == (ReviewStatus.REJECTED, "Ulasan memuat nomor telepon pribadi.")
    assert not review.photos.exists() and private_files() == []
    [email] = [message for message in mail.outbox if message.to == ["rina@contoh.id"]]
    assert "Ulasan memuat nomor telepon pribadi." in email.body
    client.logout()
    assert "Kainnya halus" not in client.get(delivered["product"].get_absolute_url()).content.decode()


def test_only_moderators_see_the_queue(client, delivered):
    post_review(client, delivered["line"], photos=[photo_upload()])
    review = Review.objects.get()
    client.force_login(UserFactory(email="bukan-editor@contoh.id", is_staff=True))
    for response in (client.get("/admin/gebrak/ulasan/"),
                     client.get(f"/admin/gebrak/ulasan/foto/{review.photos.get().pk}/"),
                     client.post(f"/admin/gebrak/ulasan/{review.pk}/putuskan/", {"decision": "approve"})):
        assert response.status_code in {302, 403}
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


# --- The artisan -------------------------------------------------------------------------------

def test_the_artisan_replies_once_publicly(client, delivered):
    review = ReviewFactory(product=delivered["product"], text="Bagus sekali, terima kasih Ibu Aminah.")
    other_artisan = f.shop(name="Toko Lain").owner
    client.force_login(other_artisan)
    response = client.post(f"/toko/ulasan/{review.pk}/balas/", {f"balas-{review.pk}-text": "Saya bukan pemiliknya."})
    assert response.status_code == 404
    client.force_login(delivered["shop"].owner)
    assert "Bagus sekali" in client.get("/toko/ulasan/").content.decode()
    response = client.post(f"/toko/ulasan/{review.pk}/balas/", {f"balas-{review.pk}-text": "Terima kasih, Rina!"})
    assert response.status_code == 302
    again = client.post(f"/toko/ulasan/{review.pk}/balas/", {f"balas-{review.pk}-text": "Balasan kedua."})
    assert again.status_code == 409
    review.refresh_from_db()
    assert review.reply_text == "Terima kasih, Rina!"
    client.logout()
    page = client.get(delivered["product"].get_absolute_url()).content.decode()
    assert "Balasan Sasirangan Ibu Aminah" in page and "Terima kasih, Rina!" in page


# --- Visitors: helpful, report, order ------------------------------------------------------------

def test_helpful_once_per_visitor_and_most_helpful_first(client, bought):
    product = bought["product"]
    older = ReviewFactory(product=product, text="Ulasan lama yang sangat membantu pembeli lain.")
    newer = ReviewFactory(product=product, text="Ulasan baru yang belum dinilai siapa pun.")
    url = product.get_absolute_url()
    assert client.post(f"/id/kampung-sasirangan/ulasan/{older.pk}/membantu/").status_code == 303
    assert client.post(f"/id/kampung-sasirangan/ulasan/{older.pk}/membantu/").status_code == 303  # counted once
    older.refresh_from_db()
    assert older.helpful_count == 1

    def order_on(page):
        return [int(node["id"].split("-")[1]) for node in BeautifulSoup(page.content, "html.parser").select(".rv-review")]

    assert order_on(client.get(url)) == [older.pk, newer.pk]
    assert order_on(client.get(f"{url}?ulasan=terbaru")) == [newer.pk, older.pk]
    # Pending and rejected reviews never show, nor count.
    ReviewFactory(product=product, status=ReviewStatus.PENDING, text="Menunggu editor, jangan tampil.")
    ReviewFactory(product=product, status=ReviewStatus.REJECTED, text="Ditolak editor, jangan tampil.")
    page = client.get(url)
    assert len(order_on(page)) == 2 and jsonld_of(page)["aggregateRating"]["reviewCount"] == 2


def test_a_report_sends_it_back_to_the_queue_once_per_visitor(client, bought, editor, settings):
    review = ReviewFactory(product=bought["product"], text="Hubungi saya di 0812 ini untuk kain murah!")
    url = f"/id/kampung-sasirangan/ulasan/{review.pk}/laporkan/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "tidak-ada"}).status_code == 400
    assert client.post(url, {"reason": "spam", "note": "Iklan"}).status_code == 302
    assert client.post(url, {"reason": "private"}).status_code == 302
    assert ReviewReport.objects.count() == 1
    review.refresh_from_db()
    assert review.reported_at is not None and review.status == ReviewStatus.APPROVED  # stays up until decided
    client.force_login(editor)
    assert "Hubungi saya" in client.get("/admin/gebrak/ulasan/").content.decode()
    client.post(f"/admin/gebrak/ulasan/{review.pk}/putuskan/", {"decision": "reject", "reason": "Iklan."})
    client.logout()
    assert "Hubungi saya" not in client.get(bought["product"].get_absolute_url()).content.decode()


def test_reports_are_rate_limited_per_address(client, bought):
    reviews = [ReviewFactory(product=bought["product"]) for _ in range(11)]
    statuses = [client.post(f"/id/kampung-sasirangan/ulasan/{review.pk}/laporkan/", {"reason": "spam"},
                            REMOTE_ADDR="198.51.100.7").status_code for review in reviews]
    assert statuses == [302] * 10 + [429]
    other = client.post(f"/id/kampung-sasirangan/ulasan/{reviews[-1].pk}/laporkan/", {"reason": "spam"},
                        REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


def test_only_approved_reviews_of_public_products_can_be_voted_or_reported(client, bought):
    pending = ReviewFactory(product=bought["product"], status=ReviewStatus.PENDING)
    assert client.post(f"/id/kampung-sasirangan/ulasan/{pending.pk}/membantu/").status_code == 404
    assert client.post(f"/id/kampung-sasirangan/ulasan/{pending.pk}/laporkan/", {"reason": "spam"}).status_code == 404


def test_a_signed_in_buyer_finds_the_review_link_in_their_orders(client, django_capture_on_commit_callbacks):
    buyer = UserFactory(email="rina@contoh.id")
    order = f.delivered_order((f.product(shop=f.shop(), title_id="Taplak Sasirangan", stock=2), 1), user=buyer)
    client.force_login(buyer)
    page = client.get("/id/kampung-sasirangan/pesanan/").content.decode()
    link = BeautifulSoup(page, "html.parser").find("a", string="Ulas Taplak Sasirangan")["href"]
    assert link == write_url(order.sub_orders.get().lines.get())


def test_a_review_photo_waits_outside_the_public_media(client, delivered, settings):
    post_review(client, delivered["line"], photos=[photo_upload()])
    photo = ReviewPhoto.objects.get()
    assert not (settings.MEDIA_ROOT / photo.pending_file).exists()
    assert private_storage().exists(photo.pending_file)
    assert io.BytesIO(private_storage().open(photo.pending_file).read()).getbuffer().nbytes > 0


def test_a_reviews_date_in_the_jsonld_is_its_day_in_wita(client):
    """A review written at 07:30 WITA is 23:30 UTC the day before: the JSON-LD gave search engines
    the UTC date, a day early for every review written before 08:00."""
    review = ReviewFactory()
    Review.objects.filter(pk=review.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2026, 12, 7, 7, 30)))  # TIME_ZONE: Asia/Makassar
    data = jsonld_of(client.get(review.product.get_absolute_url()))
    assert data["review"][0]["datePublished"] == "2026-12-07"


def test_a_decision_from_a_stale_queue_does_not_undo_another_moderators(client, delivered, editor,
                                                                       django_capture_on_commit_callbacks):
    """Two moderators had the queue open. One rejected the review (the buyer was emailed that it will not
    be shown); the other, on the page as it was, approved it: it went public, without its photos, and the
    buyer's email was wrong. A second tap on "Tolak" emailed the buyer twice."""
    post_review(client, delivered["line"])
    review = Review.objects.get()
    other = UserFactory(email="moderator@banjarkab.go.id")
    other.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    url = f"/admin/gebrak/ulasan/{review.pk}/putuskan/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "Ulasan memuat nomor telepon pribadi."})
        client.post(url, {"decision": "reject", "reason": "Ulasan memuat nomor telepon pribadi."})  # tapped twice
    assert len([message for message in mail.outbox if message.to == ["rina@contoh.id"]]) == 1

    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        stale = client.post(url, {"decision": "approve"}, follow=True)
    review.refresh_from_db()
    assert review.status == ReviewStatus.REJECTED and review.decided_by == editor
    assert "sudah ditolak" in stale.content.decode()
    client.logout()
    assert "Kainnya halus" not in client.get(delivered["product"].get_absolute_url()).content.decode()
