from compagnon.core.testing import smtp_server

__all__ = ["smtp_server"]
