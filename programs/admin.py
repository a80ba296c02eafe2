"""The Django admin of the programme, gathered from its domains.

Each domain registers its own models in its `admin.py`; importing them here registers them all.
Every admin goes through `safecommunity.admin.ScopedAdminMixin`, so lists, forms, history,
foreign-key choices and spreadsheet exports show only what `visible_to(user)` allows.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.core.admin import ProgramAdmin
from programs.evaluations import admin as evaluations_admin  # noqa: F401 - registers
from programs.funds import admin as funds_admin  # noqa: F401 - registers
from programs.jobs import admin as jobs_admin  # noqa: F401 - registers
from programs.notifications import admin as notifications_admin  # noqa: F401 - registers
from programs.progress import admin as progress_admin  # noqa: F401 - registers
from programs.reports import admin as reports_admin  # noqa: F401 - registers
from programs.titles.admin import TargetInline
from safecommunity.admin import limit_every_search, name_login_protection

admin.site.site_header = _("Safe Community Programme Portal")
admin.site.site_title = _("Safe Community Programme Portal")
admin.site.index_title = _("Administration")
limit_every_search(admin.site)  # auth's and axes' admins, registered before these apps
name_login_protection()

# The programme's page lists its targets too; core does not know titles, so they meet here.
ProgramAdmin.inlines = [*ProgramAdmin.inlines, TargetInline]
