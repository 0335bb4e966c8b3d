"""The API's one error shape (drf-standardized-errors), for the services' refusals too.

A service refuses with Django's `ValidationError` (400, field by field when it names fields)
and a selector hides what someone may not see with `DoesNotExist` (404, as for something that
is not there). Converting them here means the API views call services and selectors
directly, without a wrapper of their own.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error


class ServiceErrorsHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(as_serializer_error(exc))
        if isinstance(exc, ObjectDoesNotExist):
            return exceptions.NotFound()
        return super().convert_known_exceptions(exc)
