#!/usr/bin/env python3
"""capture_tcp: writes the TCP payload bytes of every frame seen on an interface for a while (a raw
AF_PACKET socket, as tcpdump uses; needs root), so a test can check what crossed the wire."""
import argparse
import socket
import struct
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800


def tcp_payload(frame: bytes) -> bytes:
    """The TCP payload of an Ethernet/IPv4 frame, or b"" for anything else."""
    if len(frame) < 14 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return b""
    ip = frame[14:]
    if len(ip) < 20 or ip[9] != socket.IPPROTO_TCP:
        return b""
    ip_header = (ip[0] & 0x0F) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    tcp = ip[ip_header:total]
    if len(tcp) < 20:
        return b""
    return tcp[(tcp[12] >> 4) * 4:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interface", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(ETH_P_ALL))
    sniffer.bind((args.interface, 0))
    sniffer.settimeout(0.2)
    deadline = time.monotonic() + args.seconds
    with open(args.out, "wb") as out:
        while time.monotonic() < deadline:
            try:
                frame = sniffer.recv(65535)
            except socket.timeout:
                continue
            out.write(tcp_payload(frame))


if __name__ == "__main__":
    main()
