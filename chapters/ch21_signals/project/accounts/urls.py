"""The accounts app's routes."""
import accounts.receivers  # noqa: F401  (connects the app's receivers at start-up)
from tornkit import Url, route

u = Url("accounts.handlers")
urls = route(
    u(r"/signup", "main.SignUp", name="signup"),
    u(r"/login", "main.Login", name="login"),
    u(r"/logout", "main.Logout", name="logout"),
    u(r"/api/token", "api.Token", name="api-token"),
)
