from .roles import Role, role_label, roles_of


def roles(request):
    """Expose the signed-in user's roles to templates as `roles` (a set of names) and `Role`."""
    user = getattr(request, "user", None)
    names = roles_of(user) if user is not None else frozenset()
    return {
        "roles": names,
        "role_labels": [role_label(r) for r in Role if r.value in names],
        "Role": Role,
        # G-4-3-カ: who incidents are reported up to, in the city's words (its profile's [roles]).
        "security_officer": role_label(Role.SECURITY_OFFICER),
    }
