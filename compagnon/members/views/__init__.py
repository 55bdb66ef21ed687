"""View modules: import the module you need (`from compagnon.members.views import pages`)."""
