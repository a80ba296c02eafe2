"""manage.py add_user USERNAME --role ROLE [--district CODE] [--unit CODE] [--department NAME]
[--password P] [--email ADDRESS] [--language zh-hans|en]"""

from __future__ import annotations

import getpass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from programs.models import CreatingUnit, Department, District, User

SCRIPT_ROLES = [
    User.Role.CITY,
    User.Role.DISTRICT,
    User.Role.CLERK,
    User.Role.PROVIDER,
    User.Role.FINANCE,
    User.Role.EVALUATOR,
]


class Command(BaseCommand):
    help = "Create a portal user with a role (administrators: use createsuperuser)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(r) for r in SCRIPT_ROLES])
        parser.add_argument(
            "--district",
            help="the district's 6-digit code (e.g. 110113); needed when the portal has several, "
            "taken from the unit for a clerk",
        )
        parser.add_argument("--unit", help="unit code, for a clerk (e.g. T07)")
        parser.add_argument("--department", help="department name, for a provider")
        parser.add_argument("--password", help="omit to be asked for it")
        parser.add_argument("--name", default="", help="full name, family name first (e.g. 王芳)")
        parser.add_argument("--email", default="", help="where the portal's e-mails go")
        parser.add_argument(
            "--language",
            default="",
            choices=["", *(code for code, _name in settings.LANGUAGES)],
            help="the language of the user's e-mails (default: the portal's)",
        )

    def handle(
        self,
        *args,
        username: str,
        role: str,
        district: str | None,
        unit: str | None,
        department: str | None,
        password: str | None,
        name: str,
        email: str,
        language: str,
        **options,
    ) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        user = User(
            username=username,
            role=role,
            last_name=name[:1],
            first_name=name[1:],
            email=email,
            language=language,
        )
        user.district = self._district(role, district, unit)
        if unit:
            user.unit = CreatingUnit.objects.filter(code=unit.upper()).first()
            if user.unit is None:
                raise CommandError(f"No unit with code {unit!r}.")
            user.district = user.district or user.unit.district
        if department:
            user.department = Department.objects.filter(
                district=user.district, name=department
            ).first()
            if user.department is None:
                raise CommandError(f"No department named {department!r} in {user.district}.")
        if password is None:
            password = getpass.getpass("Password: ")
        user.set_password(password)
        try:
            user.full_clean()
        except ValidationError as error:
            raise CommandError(
                "; ".join(
                    f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
                )
            ) from error
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Created {user.get_role_display()} {username}."))

    def _district(self, role: str, code: str | None, unit: str | None) -> District | None:
        """The district named by `code`; else the portal's only one, for a role that works in
        a district (a clerk's comes from the unit)."""
        if role == User.Role.CITY:
            if code:
                raise CommandError("The city office belongs to no district: leave out --district.")
            return None
        if code:
            district = District.objects.filter(code=code).first()
            if district is None:
                raise CommandError(f"No district with code {code!r}: add it with add_district.")
            return district
        if unit:
            return None
        districts = list(District.objects.all()[:2])
        if len(districts) != 1:
            raise CommandError("Name the district with --district CODE (e.g. 110113).")
        return districts[0]
