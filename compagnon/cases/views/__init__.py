"""View modules: import the module you need (`from compagnon.cases.views import pages`)."""
