from ninja import NinjaAPI

api = NinjaAPI(title="LNOB API", version="1", urls_namespace="api")
