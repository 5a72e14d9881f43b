#!/bin/sh
# bench/nginx_bench.sh SECONDS PORT: Debian's nginx-light serving a 4 KiB
# static file to wrk (keep-alive, 2 threads, 16 connections) over loopback,
# both inside the container (natively: on the host). Prints
#	nginx_4k_rps REQUESTS_PER_SECOND 1
# in bench/micro.c's format. /usr and /lib are the host's (bind mounts).
secs=${1:-5}
port=${2:-18089}
d=/tmp/nginx-bench.$$
mkdir -p "$d/www" || exit 2
head -c 4096 /dev/zero | tr '\0' x >"$d/www/4k"
cat >"$d/nginx.conf" <<CONF
worker_processes 1;
daemon off;
user root;
error_log stderr;
pid $d/nginx.pid;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	keepalive_requests 100000000;
	server {
		listen 127.0.0.1:$port;
		root $d/www;
	}
}
CONF
/usr/sbin/nginx -p "$d" -c "$d/nginx.conf" -e stderr &
ngx=$!
i=0
until wget -q -O /dev/null "http://127.0.0.1:$port/4k" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $ngx 2>/dev/null; then
		echo "nginx_bench: nginx did not come up" >&2
		kill $ngx 2>/dev/null
		exit 2
	fi
	sleep 0.1
done
out=$(wrk -t2 -c16 -d"${secs}s" "http://127.0.0.1:$port/4k")
rc=$?
kill $ngx
wait $ngx 2>/dev/null
rm -rf "$d"
rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
if [ $rc -ne 0 ] || [ -z "$rps" ]; then
	echo "nginx_bench: wrk failed: $out" >&2
	exit 2
fi
echo "nginx_4k_rps $rps 1"
