#!/bin/sh
# Derives device trees that QEMU cannot emulate from the recorded usb-adb.umockdev: the same
# USB device (46f4:0004, serial phone1) whose one interface carries another class triplet,
# with attributes, modalias, properties and the configuration descriptor changed to match.
# Run from the top of the tree; the results are committed (see README.md).
set -eu
cd tests/data/udev

# file class subclass protocol "interface string"
make() {
	c=$2 s=$3 p=$4
	C=$(echo "$c$s$p" | tr a-f A-F)
	sed -e "s/^A: bInterfaceClass=ff/A: bInterfaceClass=$c/" \
		-e "s/^A: bInterfaceSubClass=42/A: bInterfaceSubClass=$s/" \
		-e "s/^A: bInterfaceProtocol=01/A: bInterfaceProtocol=$p/" \
		-e "s/^A: interface=ADB Interface/A: interface=$5/" \
		-e "s/icFFisc42ip01/ic$(echo "$C" | cut -c1-2)isc$(echo "$C" | cut -c3-4)ip$(echo "$C" | cut -c5-6)/" \
		-e "s/^E: INTERFACE=6\/1\/1/E: INTERFACE=$((0x$c))\/$((0x$s))\/$((0x$p))/" \
		-e "s/^E: ID_USB_INTERFACES=:ff4201:/E: ID_USB_INTERFACES=:$c$s$p:/" \
		-e "s/0904000003FF420104/0904000003${C}04/" \
		usb-adb.umockdev >"$1.umockdev"
}

make usb-rndis 02 02 ff "RNDIS Communications Control"
make usb-rndis-wireless e0 01 03 "RNDIS"
make usb-rndis-misc ef 04 01 "RNDIS Ethernet"
make usb-ecm 02 06 00 "CDC Ethernet Control Model (ECM)"
make usb-ncm 02 0d 00 "CDC Network Control Model (NCM)"
make usb-cdc-data 0a 00 00 "CDC Data"
make usb-usbmux ff fe 02 "Apple USB Multiplexor"
make usb-bluetooth e0 01 01 "Bluetooth"
make usb-wifi-vendor ff ff ff "WLAN"
make usb-printer 07 01 02 "Printer"
