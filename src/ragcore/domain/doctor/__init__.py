"""Doctor: find and repair drift between the stores."""

from ragcore.domain.doctor.service import DoctorService

__all__ = ["DoctorService"]
