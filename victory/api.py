"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(title="VicTory API", version="1", urls_namespace="api")
