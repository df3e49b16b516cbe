"""A SAML identity provider started inside the tests: it signs its assertions with xmlsec
(python3-saml's signing helper over libxmlsec1) using a key and certificate made here with
`cryptography`, and speaks the real bindings: it reads the portal's AuthnRequest (HTTP-Redirect)
and answers with a Response for the portal's ACS (HTTP-POST). Nothing of the portal's side is
replaced: allauth and python3-saml check what this IdP sends exactly as they would a
Shibboleth IdP's answer.

`IdP.http()` also serves it over HTTP (a thread) for the browser test: /sso shows a small sign-in
form, and its answer is an auto-submitting form to the portal, as a Shibboleth IdP's is.
"""

import base64
import datetime
import html
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from coop.models import DISPLAY_NAME, EPPN, JA_DISPLAY_NAME, MAIL, SCOPED_AFFILIATION

NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol", "saml": "urn:oasis:names:tc:SAML:2.0:assertion"}
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
FRIENDLY = {
    EPPN: "eduPersonPrincipalName",
    MAIL: "mail",
    JA_DISPLAY_NAME: "jaDisplayName",
    DISPLAY_NAME: "displayName",
    SCOPED_AFFILIATION: "eduPersonScopedAffiliation",
}


def key_and_certificate(common_name, *, now):
    """A fresh RSA key and a self-signed certificate (PEM, without the armour lines for the cert)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return key_pem, cert_pem


def _instant(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id():
    return "_" + uuid.uuid4().hex


class IdP:
    def __init__(self, entity_id, *, base_url="https://idp.example.ac.jp/idp", now):
        self.entity_id = entity_id
        self.base_url = base_url
        self.key, self.cert = key_and_certificate(entity_id, now=now)
        self.users = {}  # login name -> attributes
        self.last_assertion = None

    @property
    def sso_url(self):
        return f"{self.base_url}/sso"

    @property
    def metadata_url(self):
        return f"{self.base_url}/metadata"

    @property
    def slo_url(self):
        return f"{self.base_url}/slo"

    def metadata(self):
        body = "".join(self.cert.strip().splitlines()[1:-1])
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{self.entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{self.slo_url}"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{self.sso_url}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""

    @staticmethod
    def read_request(redirect_url):
        """The AuthnRequest in an HTTP-Redirect binding URL: (request id, ACS URL, SP entity id, RelayState)."""
        query = parse_qs(urlsplit(redirect_url).query)
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(query["SAMLRequest"][0])
        root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
        issuer = root.find("saml:Issuer", NS).text
        return root.get("ID"), root.get("AssertionConsumerServiceURL"), issuer, query.get("RelayState", [""])[0]

    def assertion_xml(self, *, attributes, acs_url, audience, in_response_to, now, lifetime, assertion_id=None):
        assertion_id = assertion_id or _id()
        self.last_assertion = assertion_id
        self.last_name_id, self.last_session_index = _id(), _id()
        not_after = _instant(now + lifetime)
        values = "".join(
            f'<saml:Attribute Name="{name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"'
            f' FriendlyName="{FRIENDLY.get(name, name)}">'
            + "".join(
                f'<saml:AttributeValue xsi:type="xs:string">{html.escape(value)}</saml:AttributeValue>'
                for value in (given if isinstance(given, list | tuple) else [given])
            )
            + "</saml:Attribute>"
            for name, given in attributes.items()
        )
        irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
        return (
            f'<saml:Assertion xmlns:saml="{NS["saml"]}" xmlns:xs="http://www.w3.org/2001/XMLSchema"'
            f' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{assertion_id}" Version="2.0"'
            f' IssueInstant="{_instant(now)}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            "<saml:Subject>"
            f'<saml:NameID Format="{TRANSIENT}">{self.last_name_id}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{not_after}" Recipient="{acs_url}"{irt}/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(now - datetime.timedelta(minutes=1))}" NotOnOrAfter="{not_after}">'
            f"<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>"
            "</saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="{self.last_session_index}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{values}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )

    def sign(self, xml):
        signed = OneLogin_Saml2_Utils.add_sign(
            xml,
            self.key,
            self.cert,
            sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
            digest_algorithm=OneLogin_Saml2_Constants.SHA256,
        )
        return signed.decode() if isinstance(signed, bytes) else signed

    def response(
        self,
        *,
        attributes,
        acs_url,
        audience,
        in_response_to,
        now,
        lifetime=datetime.timedelta(minutes=5),
        sign=True,
        assertion_id=None,
        tamper=None,
    ):
        """A base64 SAMLResponse. `tamper(xml) -> xml` changes the signed text afterwards."""
        assertion = self.assertion_xml(
            attributes=attributes,
            acs_url=acs_url,
            audience=audience,
            in_response_to=in_response_to,
            now=now,
            lifetime=lifetime,
            assertion_id=assertion_id,
        )
        if sign:
            assertion = self.sign(assertion)
            if assertion.startswith("<?xml"):
                assertion = assertion.split("?>", 1)[1]
        if tamper:
            assertion = tamper(assertion)
        irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
        xml = (
            f'<samlp:Response xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{_id()}" Version="2.0"'
            f' IssueInstant="{_instant(now)}" Destination="{acs_url}"{irt}>'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f"{assertion}</samlp:Response>"
        )
        return base64.b64encode(xml.encode()).decode()

    # --- Single logout (HTTP-Redirect) --------------------------------------------------------

    def logout_request(self, *, sls_url, now):
        """The IdP signs the person out everywhere: a LogoutRequest for the last assertion's NameID."""
        xml = (
            f'<samlp:LogoutRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{_id()}" Version="2.0"'
            f' IssueInstant="{_instant(now)}" Destination="{sls_url}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            f'<saml:NameID Format="{TRANSIENT}">{self.last_name_id}</saml:NameID>'
            f"<samlp:SessionIndex>{self.last_session_index}</samlp:SessionIndex>"
            "</samlp:LogoutRequest>"
        )
        return OneLogin_Saml2_Utils.deflate_and_base64_encode(xml)

    @staticmethod
    def read_logout_request(redirect_url):
        """(request id, NameID, SessionIndex) of the portal's LogoutRequest."""
        query = parse_qs(urlsplit(redirect_url).query)
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(query["SAMLRequest"][0])
        root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
        return root.get("ID"), root.find("saml:NameID", NS).text, root.find("samlp:SessionIndex", NS).text

    def logout_response(self, *, sls_url, in_response_to, now):
        xml = (
            f'<samlp:LogoutResponse xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{_id()}" Version="2.0"'
            f' IssueInstant="{_instant(now)}" Destination="{sls_url}" InResponseTo="{in_response_to}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            "</samlp:LogoutResponse>"
        )
        return OneLogin_Saml2_Utils.deflate_and_base64_encode(xml)

    # --- over HTTP, for the browser ----------------------------------------------------------

    def http(self, *, clock):
        """Serves /sso and /metadata on 127.0.0.1 (a thread); returns the server (call .shutdown()). `clock()`
        gives the instant the assertions are issued at."""
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, body):
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if urlsplit(self.path).path == "/idp/metadata":
                    data = idp.metadata().encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/samlmetadata+xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                # The sign-in form: the AuthnRequest travels on in hidden fields.
                query = parse_qs(urlsplit(self.path).query)
                self._send(
                    "<!doctype html><html lang='ja'><head><title>Test IdP</title></head><body>"
                    "<h1>Test university IdP</h1><form method='post' action='/idp/sso'>"
                    "<label for='user'>User</label><input id='user' name='user'>"
                    f"<input type='hidden' name='SAMLRequest' value='{html.escape(query['SAMLRequest'][0])}'>"
                    f"<input type='hidden' name='RelayState' value='{html.escape(query.get('RelayState', [''])[0])}'>"
                    "<button type='submit'>Sign in</button></form></body></html>"
                )

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                request_id, acs_url, sp_entity, _relay = IdP.read_request(
                    "/?SAMLRequest=" + quote(form["SAMLRequest"][0])
                )
                saml_response = idp.response(
                    attributes=idp.users[form["user"][0]],
                    acs_url=acs_url,
                    audience=sp_entity,
                    in_response_to=request_id,
                    now=clock(),
                )
                relay = html.escape(form.get("RelayState", [""])[0])
                self._send(
                    "<!doctype html><html><head><title>Continue</title></head><body>"
                    f"<form method='post' action='{html.escape(acs_url)}'>"
                    f"<input type='hidden' name='SAMLResponse' value='{saml_response}'>"
                    f"<input type='hidden' name='RelayState' value='{relay}'>"
                    "<button type='submit'>Continue</button></form></body></html>"
                )

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}/idp"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
