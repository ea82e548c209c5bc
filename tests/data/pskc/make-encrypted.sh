#!/bin/sh
# Rebuilds the encrypted PSKC test files with openssl, RFC 6030 §6.1: AES-128-CBC with the IV
# in front of the ciphertext, the MAC key encrypted the same way, each value's ValueMAC an
# HMAC-SHA1 over IV || ciphertext. Fixed IVs and MAC key, so the output is stable and
# rfc6030-6.1-hotp-psk.pskcxml is byte for byte the RFC's Figure 6 values.
#   sh tests/data/pskc/make-encrypted.sh      (from the top of the tree)
set -eu
D=$(dirname "$0")
PSK=12345678901234567890123456789012          # RFC 6030 §6.1's pre-shared key (hex)
MACKEY=1122334455667788990011223344556677889900

bin() { perl -e 'print pack("H*", $ARGV[0])' "$1"; }
hex() { perl -e 'print unpack("H*", $ARGV[0])' "$1"; }
# cbc IV_HEX DATA_HEX: base64 of IV || AES-128-CBC(PSK, IV, DATA)
cbc() { { bin "$1"; bin "$2" | openssl enc -aes-128-cbc -K "$PSK" -iv "$1"; } | base64 -w0; }
# mac BASE64_CIPHERVALUE: ValueMAC
mac() { printf '%s' "$1" | base64 -d | openssl dgst -sha1 -mac HMAC -macopt "hexkey:$MACKEY" -binary | base64 -w0; }

header() {
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0"
    xmlns="urn:ietf:params:xml:ns:keyprov:pskc"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
    <EncryptionKey>
        <ds:KeyName>Pre-shared-key</ds:KeyName>
    </EncryptionKey>
    <MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1">
        <MACKey>
            <xenc:EncryptionMethod
            Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
            <xenc:CipherData>
                <xenc:CipherValue>$(cbc 11223344556677889900112233445566 $MACKEY)</xenc:CipherValue>
            </xenc:CipherData>
        </MACKey>
    </MACMethod>
XML
}

# package SERIAL ALGORITHM-URN SUITE DIGITS IV SECRET(ascii) DATA-EXTRA
package() {
	ct=$(cbc "$5" "$(hex "$6")")
	suite=${3:+"
                <Suite>$3</Suite>"}
	cat <<XML
    <KeyPackage>
        <DeviceInfo>
            <Manufacturer>Manufacturer</Manufacturer>
            <SerialNo>$1</SerialNo>
        </DeviceInfo>
        <CryptoModuleInfo>
            <Id>CM_ID_001</Id>
        </CryptoModuleInfo>
        <Key Id="$1"
            Algorithm="$2">
            <Issuer>Issuer</Issuer>
            <AlgorithmParameters>$suite
                <ResponseFormat Length="$4" Encoding="DECIMAL"/>
            </AlgorithmParameters>
            <Data>
                <Secret>
                    <EncryptedValue>
                        <xenc:EncryptionMethod
            Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
                        <xenc:CipherData>
                            <xenc:CipherValue>$ct</xenc:CipherValue>
                        </xenc:CipherData>
                    </EncryptedValue>
                    <ValueMAC>$(mac "$ct")</ValueMAC>
                </Secret>
$7
            </Data>
        </Key>
    </KeyPackage>
XML
}

HOTP=urn:ietf:params:xml:ns:keyprov:pskc:hotp
TOTP=urn:ietf:params:xml:ns:keyprov:pskc:totp
counter() { printf '                <Counter>\n                    <PlainValue>%s</PlainValue>\n                </Counter>' "$1"; }
step() { printf '                <TimeInterval>\n                    <PlainValue>%s</PlainValue>\n                </TimeInterval>' "$1"; }

{ header
  package 987654321 $HOTP "" 8 000102030405060708090a0b0c0d0e0f 12345678901234567890 "$(counter 0)"
  echo '</KeyContainer>'; } >"$D/rfc6030-6.1-hotp-psk.pskcxml"

# a box of three tokens: HOTP with a used counter, TOTP SHA-256, HOTP SHA-1 6 digits
{ header
  package MMR-0001 $HOTP "" 6 0f0e0d0c0b0a09080706050403020100 'mamori-hotp-token-001' "$(counter 5)"
  package MMR-0002 $TOTP HMAC-SHA256 8 a0a1a2a3a4a5a6a7a8a9aaabacadaeaf 12345678901234567890123456789012 "$(step 30)"
  package MMR-0003 $HOTP "" 6 b0b1b2b3b4b5b6b7b8b9babbbcbdbebf 'mamori-hotp-token-003' "$(counter 100)"
  echo '</KeyContainer>'; } >"$D/box-of-three-psk.pskcxml"
