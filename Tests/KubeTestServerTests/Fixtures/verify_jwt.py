"""Verifies a kube-test-server ServiceAccount token against the server's published keys.

Usage: python3 verify_jwt.py BASE_URL CA_FILE TOKEN
Follows OIDC discovery to the JWKS (no auth, as a cloud IAM would), checks the RS256 signature
with `cryptography`, and prints {"valid": bool, "header": ..., "claims": ...} as JSON.
"""
import base64
import json
import ssl
import sys
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fetch(url, context):
    with urllib.request.urlopen(url, context=context) as response:
        return json.loads(response.read())


def main():
    base_url, ca_file, token = sys.argv[1], sys.argv[2], sys.argv[3]
    context = ssl.create_default_context(cafile=ca_file)
    discovery = fetch(base_url + "/.well-known/openid-configuration", context)
    # The issuer may be a custom URL; the JWKS is always served by this server at the same path.
    jwks = fetch(base_url + "/openid/v1/jwks", context)
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64decode(header_b64))
    claims = json.loads(b64decode(payload_b64))
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public_key = rsa.RSAPublicNumbers(
        int.from_bytes(b64decode(key["e"]), "big"), int.from_bytes(b64decode(key["n"]), "big")
    ).public_key()
    try:
        public_key.verify(b64decode(signature_b64), f"{header_b64}.{payload_b64}".encode(),
                          padding.PKCS1v15(), hashes.SHA256())
        valid = True
    except InvalidSignature:
        valid = False
    print(json.dumps({"valid": valid, "header": header, "claims": claims,
                      "discoveryIssuer": discovery["issuer"], "jwksURI": discovery["jwks_uri"]}))


if __name__ == "__main__":
    main()
