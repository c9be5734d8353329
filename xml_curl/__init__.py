"""The switch endpoint: what FreeSWITCH's mod_xml_curl asks for (dialplan, directory and
configuration XML, built by the modules here) and its views (``xml_curl.views``, ``xml_curl.cdr``)."""
