"""The council information system (RIS) through OParl: our own client, the mirror, links.

``client`` (HTTP: politeness, retries, lenient JSON), ``shapes`` (reading sloppy OParl values),
``fetch`` (one sync's data in memory), ``mirror`` (applying it in one transaction), ``queries``
(reads as domain objects), ``links`` (measures and motions ↔ RIS papers, suggestions, proposed
status changes). No Textual here: the CLI and the app both use it.
"""
