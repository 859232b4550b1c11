"""Factories for the organisation; tests build what they need instead of loading fixtures."""

import factory
from django.contrib.auth.models import Group

from people.models import Domain, HRScope, Officer, Unit, User
from people.roles import Role

PASSWORD = "Lianbing#2026"


def make_unit(name: str, code: str, *, parent: Unit | None = None, kind=Unit.Kind.OTHER) -> Unit:
    if parent is None:
        return Unit.add_root(name=name, code=code, kind=kind)
    return parent.add_child(name=name, code=code, kind=kind)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"U{n:05d}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"测{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            group, _ = Group.objects.get_or_create(name=Role(role).value)
            self.groups.add(group)
        if create:
            self.save()


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer
        skip_postgeneration_save = True

    user = factory.SubFactory(
        UserFactory,
        username=factory.SelfAttribute("..employee_number"),
        roles=[Role.OFFICER],
    )
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"李{n}")
    unit = None  # required: pass a unit

    @factory.post_generation
    def domains(self, create, extracted, **kwargs):
        if extracted:
            self.domains.set(Domain.objects.filter(code__in=extracted))


def make_hr(*units: Unit, username: str | None = None) -> User:
    """An HR user scoped to the given units' subtrees."""
    user = UserFactory(roles=[Role.HR], **({"username": username} if username else {}))
    for unit in units:
        HRScope.objects.create(user=user, unit=unit)
    return user
