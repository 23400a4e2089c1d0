"""What orders tell the rest of the marketplace, without knowing who listens.

`sub_order_delivered` is sent after the commit that marks a sub-order delivered (and, with pickup,
collected: see models.RECEIVED_STATUSES), with `sub_order`. Reviews listen to invite the buyer
(marketplace/reviews/apps.py).
"""

from django.dispatch import Signal

sub_order_delivered = Signal()
