"""View modules: import the module you need (`from compagnon.workshops.views import pages`)."""
