"""The reception page: callers waiting, calls ringing and talking, each user's state, and what a
receptionist does with a call (docs/reception.md).

Where each fact comes from, kept cheap:

- callers waiting in queues: the database (the ``QueueEvent`` rows the listener saves,
  ``pbx.queues.waiting_now``), checked against the switch (a caller whose channel has left
  mod_callcenter, or is gone, no longer waits);
- calls ringing and talking, with whom, the main number dialled and where in the scenario a
  caller is: the switch (``show channels as json``), since call records are written only when a
  call ends;
- users in queues (logged in, out, on a break): ``callcenter_config agent list``; SIP phones
  registered: ``show registrations as json``.

The switch is read by ``switches.LiveView``, shared by every page open in one panel process: at
most one round of reads per switch every ``RECEPTION_VIEW_SECONDS``, however many pages watch.
"""
