# netns_hosts: hosts as network namespaces on one switch, for tests (sourced by three_hosts.sh, ipv6_hosts.sh).
# Every name carries a tag (the test's pid) so runs side by side do not collide:
#   ig<tag>-sw      the switch: a bridge `br0` with one port per host
#   ig<tag>-<host>  a host: `eth0` (or the interface named) with its address (IPv4 /24, or IPv6 /64 for an address with a colon),
#                   `lo` up; its port on the switch is `p-<host>`

# Exits 77 (ctest: skipped), saying why as `<script>: SKIPPED: …`, where namespaces cannot be made.
skip_without_namespaces() {  # script-name
  local why=""
  if [[ $EUID -ne 0 ]]; then why="needs root to make network namespaces"
  elif ! command -v ip > /dev/null; then why="no \`ip\` (iproute2)"
  elif ! ip netns add "ig-probe-$$" 2> /dev/null; then why="\`ip netns add\` failed here (no CAP_SYS_ADMIN?)"
  else ip netns del "ig-probe-$$"; return 0
  fi
  echo "$1: SKIPPED: $why"
  exit 77
}

switch_ns() { echo "ig$1-sw"; }
host_ns() { echo "ig$1-$2"; }
host_if() { echo eth0; }

make_switch() {  # tag
  local sw; sw="$(switch_ns "$1")"
  ip netns add "$sw"
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
}

add_host() {  # tag host address [interface, default eth0]
  local sw ns interface="${4:-eth0}"; sw="$(switch_ns "$1")" ns="$(host_ns "$1" "$2")"
  ip netns add "$ns"
  ip link add "$interface" netns "$ns" type veth peer name "p-$2" netns "$sw"
  ip -n "$sw" link set "p-$2" master br0 up
  if [[ "$3" == *:* ]]; then
    ip -n "$ns" addr add "$3/64" dev "$interface" nodad  # nodad: usable at once, no duplicate-address wait
  else
    ip -n "$ns" addr add "$3/24" dev "$interface"
  fi
  ip -n "$ns" link set "$interface" up
  ip -n "$ns" link set lo up
}

cut_link() { ip -n "$(switch_ns "$1")" link set "p-$2" down; }      # tag host
restore_link() { ip -n "$(switch_ns "$1")" link set "p-$2" up; }    # tag host

remove_hosts() {  # tag: every namespace of this tag (their veth pairs go with them)
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep "^ig$1-"); do ip netns del "$ns" 2> /dev/null || true; done
}
