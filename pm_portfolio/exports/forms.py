from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import RadioField

from pm_portfolio.exports.formats import APPLICATIONS
from pm_portfolio.exports.formats import LEARNINGS
from pm_portfolio.exports.formats import PRODUCTS
from pm_portfolio.exports.formats import RESUME
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import choices


class ImportForm(Form):
    kind = RadioField(
        "What does the file hold?",
        choices=choices(
            [
                (PRODUCTS, "Products (CSV)"),
                (LEARNINGS, "Learnings (CSV)"),
                (APPLICATIONS, "Applications (CSV)"),
                (RESUME, "A JSON Resume: its projects become private products"),
            ]
        ),
        default=PRODUCTS,
    )
    file = FileField(
        "File",
        validators=[FileRequired("Choose a file to import.")],
        description="A CSV in the same columns as the export (up to 5 MB and 5,000 rows), or "
        "a resume.json from jsonresume.org or Reactive Resume.",
    )


class RestoreForm(Form):
    file = FileField(
        "Backup file",
        validators=[FileRequired("Choose a backup file (.zip or .json) to restore.")],
        description="A backup downloaded from PM Portfolio: the ZIP brings back pictures and "
        "files too. Only into an account with no products or learnings yet.",
    )
