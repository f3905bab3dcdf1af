#!/bin/bash
# debian-root.sh DIR: a minimal Debian tree in DIR for 'dpkg --root=DIR': an empty dpkg database, the accounts files,
# and the host's programs that maintainer scripts call (with the libraries ldd names), so that dpkg can run the
# packages' scripts chrooted into DIR. Some groups exist (i2c, dialout, video, render, input, audio) and gpio does
# not, as on a plain Debian that has an I2C bus but no Raspberry Pi GPIO group.
set -euo pipefail
root=$1
mkdir -p "$root"/{etc,tmp,var/lib/dpkg/{info,updates,triggers,alternatives},var/log,usr/bin,usr/sbin,usr/lib,run}
ln -sfn usr/bin "$root/bin"
ln -sfn usr/sbin "$root/sbin"
ln -sfn usr/lib "$root/lib"
[ -d /lib64 ] && ln -sfn usr/lib64 "$root/lib64" && mkdir -p "$root/usr/lib64"
chmod 1777 "$root/tmp"
mkdir -p "$root/dev"
mknod -m 666 "$root/dev/null" c 1 3
: >"$root/var/lib/dpkg/status"
: >"$root/var/lib/dpkg/available"
cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
P
cat >"$root/etc/group" <<'G'
root:x:0:
dialout:x:20:
audio:x:29:
video:x:44:
input:x:101:
render:x:102:
i2c:x:103:
nogroup:x:65534:
G
printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
sed 's/:x:\([0-9]*\):.*/:*::/' "$root/etc/group" >"$root/etc/gshadow"
chmod 640 "$root/etc/shadow" "$root/etc/gshadow"
printf 'SYS_UID_MIN 100\nSYS_UID_MAX 999\nSYS_GID_MIN 100\nSYS_GID_MAX 999\nUID_MIN 1000\nUID_MAX 60000\nGID_MIN 1000\nGID_MAX 60000\n' \
  >"$root/etc/login.defs"
printf 'passwd: files\ngroup: files\nshadow: files\ngshadow: files\n' >"$root/etc/nsswitch.conf"
for program in sh dash bash getent groupadd useradd usermod install rm rmdir mkdir chown chmod cat sed grep head \
    tail tr mv ln ls id printf sleep dirname nologin; do
  path=$(type -P "$program" || true)
  [ -n "$path" ] || continue
  real=$(readlink -f "$path")
  mkdir -p "$root$(dirname "$path")"
  cp -L "$real" "$root$path"
  ldd "$real" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
    if [ -e "$lib" ] && [ ! -e "$root$lib" ]; then
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    fi
  done
done
# getent and useradd resolve users through NSS: the files module.
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/aarch64-linux-gnu/libnss_files.so.2 \
    /usr/lib/x86_64-linux-gnu/libnss_files.so.2 /usr/lib/aarch64-linux-gnu/libnss_files.so.2; do
  if [ -e "$lib" ] && [ ! -e "$root$lib" ]; then mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; fi
done
# dpkg checks that these exist in the tree's PATH before it runs any script.
for program in ldconfig start-stop-daemon; do
  printf '#!/bin/sh\nexit 0\n' >"$root/usr/sbin/$program"
  chmod 755 "$root/usr/sbin/$program"
done
