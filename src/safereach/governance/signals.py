"""A dataset loaded naming a sharing agreement (`safereach load --sharing-agreement TITLE`) is
covered by the agreement recorded under that title, so the rule of governance.access applies
to it from its first moment. Evidence knows nothing of agreements: governance listens."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from safereach.evidence.models import Dataset
from safereach.governance.models import SharingAgreement


@receiver(post_save, sender=Dataset, dispatch_uid="governance.cover_loaded_dataset")
def cover_loaded_dataset(sender, instance: Dataset, created: bool, **kwargs):
    if created and instance.sharing_agreement:
        agreement = SharingAgreement.objects.filter(title__iexact=instance.sharing_agreement.strip()).first()
        if agreement is not None:
            agreement.datasets.add(instance)
