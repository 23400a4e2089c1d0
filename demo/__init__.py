"""The demo content of `make run`: real Banjar places and events, the Kampung Sasirangan shops
and products, and the pictures drawn for them.

Not part of the site that runs: it sits above both apps (it fills `tourism` and `marketplace`
through their importers and models) and nothing in them imports it. `manage.py load_demo`
(demo/management/commands/) calls demo.loading.load_demo, which loads the tourism part and then
demo.shops.load_marketplace_demo. The drawing is Pillow only: demo.illustrations (places and
events) and demo.cloth (sasirangan cloth and clothes). The catalogues it imports are in
demo/data/.
"""
