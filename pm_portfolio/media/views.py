"""A product's media page, and the one route that serves media files to whoever may see them."""

import io

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from pm_portfolio import clock
from pm_portfolio.core import media
from pm_portfolio.core import reviews
from pm_portfolio.core.products import owned_product_with_media
from pm_portfolio.core.share_links import find_open_link
from pm_portfolio.core.storage import KEY_PATTERN
from pm_portfolio.forms.fields import ConfirmForm
from pm_portfolio.media.forms import EditForm
from pm_portfolio.media.forms import EmbedForm
from pm_portfolio.media.forms import UploadForm
from pm_portfolio.web.access import owned_or_404
from pm_portfolio.web.access import signed_in_user_id
from pm_portfolio.web.media_settings import media_limits
from pm_portfolio.web.media_settings import media_storage

bp = Blueprint("media", __name__)

# Upload and embed forms share the page: prefixes keep their fields apart.
UPLOAD = "upload"
EMBED = "embed"
CHOOSE_AGAIN = "Choose the file again: a page shown again cannot keep a chosen file."


def _page(product, upload_form=None, embed_form=None, status=200):
    return render_template(
        "media/manage.html",
        product=product,
        upload_form=upload_form or UploadForm(formdata=None, prefix=UPLOAD),
        embed_form=embed_form or EmbedForm(formdata=None, prefix=EMBED),
        confirm_form=ConfirmForm(),
        limits=media_limits(),
        used=media.used_bytes(current_user.id),
    ), status


def _refused_upload(product, form: UploadForm):
    """The form again, saying so if the chosen file must be chosen again."""
    if form.file.data:
        form.file.errors.append(CHOOSE_AGAIN)
    return _page(product, upload_form=form)


def _back(product_id: int):
    return redirect(url_for("media.manage", product_id=product_id))


@bp.get("/products/<id:product_id>/media")
@login_required
def manage(product_id: int):
    return _page(owned_or_404(owned_product_with_media, product_id))


@bp.post("/products/<id:product_id>/media/upload")
@login_required
def upload(product_id: int):
    product = owned_or_404(owned_product_with_media, product_id)
    form = UploadForm(prefix=UPLOAD)
    if not form.validate_on_submit():
        return _refused_upload(product, form)
    upload = form.file.data
    try:
        media.add_upload(
            product,
            upload.read(),
            upload.filename or "",
            form.alt_text.data or "",
            form.caption.data or "",
            media_storage(),
            media_limits(),
        )
    except media.MediaRefused as error:
        form.file.errors.append(str(error))
        return _refused_upload(product, form)
    flash("Added. Pictures and files show on the case study wherever the product does.", "success")
    return _back(product.id)


@bp.post("/products/<id:product_id>/media/embed")
@login_required
def embed(product_id: int):
    product = owned_or_404(owned_product_with_media, product_id)
    form = EmbedForm(prefix=EMBED)
    if not form.validate_on_submit():
        return _page(product, embed_form=form)
    try:
        media.add_embed(
            product, form.url.data, form.title.data, form.caption.data or "", media_limits()
        )
    except media.MediaRefused as error:
        form.url.errors.append(str(error))
        return _page(product, embed_form=form)
    flash("Embed added.", "success")
    return _back(product.id)


@bp.route("/media/<id:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    item = _owned_product_item(item_id)
    form = EditForm(obj=item)
    if form.validate_on_submit():
        try:
            media.update_item(item, form.alt_text.data or "", form.caption.data or "")
        except media.MediaRefused as error:
            form.alt_text.errors.append(str(error))
        else:
            flash("Saved.", "success")
            return _back(item.product_id)
    return render_template("media/edit.html", item=item, form=form)


def _owned_product_item(item_id: int):
    item = owned_or_404(media.owned_item, item_id)
    if item.product_id is None:
        abort(404)
    return item


@bp.post("/media/<id:item_id>/delete")
@login_required
def delete(item_id: int):
    item = _owned_product_item(item_id)
    product_id = item.product_id
    if ConfirmForm().validate_on_submit():
        media.delete_item(item, media_storage())
        flash("Deleted.", "info")
    return _back(product_id)


@bp.post("/media/<id:item_id>/cover")
@login_required
def cover(item_id: int):
    item = _owned_product_item(item_id)
    if ConfirmForm().validate_on_submit():
        try:
            media.set_cover(item)
        except media.MediaRefused as error:
            flash(str(error), "error")
        else:
            flash("That picture is the cover now.", "success")
    return _back(item.product_id)


@bp.post("/media/<id:item_id>/earlier")
@login_required
def earlier(item_id: int):
    item = _owned_product_item(item_id)
    if ConfirmForm().validate_on_submit():
        media.move(item, -1)
    return _back(item.product_id)


@bp.post("/media/<id:item_id>/later")
@login_required
def later(item_id: int):
    item = _owned_product_item(item_id)
    if ConfirmForm().validate_on_submit():
        media.move(item, +1)
    return _back(item.product_id)


def _send(key: str, served: media.ServedFile | None) -> Response:
    if served is None:
        abort(404)
    # The key is the content: its own strong validator, valid for ever; a browser that
    # has the file is answered before storage is asked for it.
    if request.if_none_match.contains(key):
        response = current_app.response_class(status=304)
        response.set_etag(key)
    else:
        data = media_storage().get(key)
        if data is None:
            abort(404)
        is_pdf = served.role == "pdf"
        response = send_file(
            io.BytesIO(data),
            mimetype=served.content_type,
            # A crafted PDF must never run inside the site: a download, in a sandbox.
            as_attachment=is_pdf,
            download_name=served.download_name if is_pdf else None,
            etag=key,
        )
        if is_pdf:
            response.headers["Content-Security-Policy"] = "sandbox"
    if served.public:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/media/<key>")
def file(key: str):
    """A file of a public item (on a published portfolio), or one of the viewer's own."""
    if not KEY_PATTERN.fullmatch(key):
        abort(404)
    return _send(key, media.file_for_reader(key, signed_in_user_id()))


@bp.get("/s/<token>/media/<key>")
def shared_file(token: str, key: str):
    """A file of an item that a share link shows."""
    link = find_open_link(token, clock.today())
    if link is None or not KEY_PATTERN.fullmatch(key):
        abort(404)
    served = media.file_for_link(key, link.id, link.user_id, link.product_id)
    return _send(key, served)


@bp.get("/r/<token>/media/<key>")
def review_file(token: str, key: str):
    """A file of a product a review link shows, private ones included."""
    link = reviews.find_open_link(token, clock.today())
    if link is None or not KEY_PATTERN.fullmatch(key):
        abort(404)
    product_ids = {item.product_id for item in link.items}
    return _send(key, media.file_for_review(key, link.user_id, product_ids))
