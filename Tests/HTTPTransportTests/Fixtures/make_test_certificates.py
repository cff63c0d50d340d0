#!/usr/bin/env python3
"""Writes a throwaway PKI for the HTTPTransport TLS tests into the directory given as argument:
ca.pem, server.pem + server-key.pem (for 127.0.0.1 and localhost), server-localhost-only.pem +
server-localhost-only-key.pem (for localhost only), client.pem + client-key.pem,
and other-ca.pem (a CA that signed nothing here). EC P-256 keys, valid for one day."""
import datetime
import ipaddress
import os
import sys

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:
    sys.exit("make_test_certificates.py needs the Python 'cryptography' package (pip install cryptography)")


def name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(common_name))
        .issuer_name(name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_leaf(ca_key, ca_cert, common_name, usage, san=None):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def write(directory, file_name, data):
    with open(os.path.join(directory, file_name), "wb") as handle:
        handle.write(data)


def key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def main():
    directory = sys.argv[1]
    ca_key, ca_cert = make_ca("Trustline Test CA")
    _, other_ca_cert = make_ca("Unrelated Test CA")
    server_key, server_cert = make_leaf(
        ca_key, ca_cert, "127.0.0.1", ExtendedKeyUsageOID.SERVER_AUTH,
        [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")])
    named_key, named_cert = make_leaf(
        ca_key, ca_cert, "localhost", ExtendedKeyUsageOID.SERVER_AUTH, [x509.DNSName("localhost")])
    client_key, client_cert = make_leaf(ca_key, ca_cert, "trustline-test-client", ExtendedKeyUsageOID.CLIENT_AUTH)
    pem = serialization.Encoding.PEM
    write(directory, "ca.pem", ca_cert.public_bytes(pem))
    write(directory, "other-ca.pem", other_ca_cert.public_bytes(pem))
    write(directory, "server.pem", server_cert.public_bytes(pem))
    write(directory, "server-key.pem", key_pem(server_key))
    write(directory, "server-localhost-only.pem", named_cert.public_bytes(pem))
    write(directory, "server-localhost-only-key.pem", key_pem(named_key))
    write(directory, "client.pem", client_cert.public_bytes(pem))
    write(directory, "client-key.pem", key_pem(client_key))


if __name__ == "__main__":
    main()
