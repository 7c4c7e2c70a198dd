from .models import User, normalise_email


def user_exists(*, email: str) -> bool:
    return User.objects.filter(email=normalise_email(email)).exists()
