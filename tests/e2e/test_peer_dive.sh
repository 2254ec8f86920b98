#!/usr/bin/env bash
# The Docker-made images of dive's test data (the peer images, $LW_PEER_DIR),
# with numbers checked by hand once against their README (the Dockerfile
# and layer listing given there) and against dive's own published test
# values.
. "$(dirname "$0")/lib.sh"
need_peer

# test-docker-image.tar, legacy docker save, 14 layers. By hand:
#   layer 4  chmod 444 somefile1.txt        -> chmod 6405 (from layer 3)
#   layer 7  mv somefile3 (file whiteout)   -> delete 6405 (from layer 6)
#   layer 9  rm -rf /root/example (dir wh.) -> delete somefile1 (from 4) and
#                                              somefile2 (from 5), 12810
#   layer 13 chmod +x saved.txt             -> chmod 6405 (from layer 7)
# wasted 32025 = 12810 chmod + 19215 delete; total 1220598 (dive's sizeBytes).
j=$TMP/docker.json
run_lw 0 "$j" -f json "$PEER/test-docker-image.tar"
check_invariant "$j"
check_eq "docker: format" docker-save "$(jget "$j" "d['image']['format']")"
check_eq "docker: layers" 14 "$(jget "$j" "d['image']['layer_count']")"
check_eq "docker: total" 1220598 "$(jget "$j" "d['image']['total_bytes']")"
check_eq "docker: wasted" 32025 "$(jget "$j" "d['summary']['wasted_bytes']")"
check_eq "docker: chmod bytes" 12810 "$(jget "$j" "d['summary']['by_kind']['chmod']")"
check_eq "docker: delete bytes" 19215 "$(jget "$j" "d['summary']['by_kind']['delete']")"
check_eq "docker: chown bytes" 0 "$(jget "$j" "d['summary']['by_kind']['chown']")"
check_eq "docker: overwrite bytes" 0 "$(jget "$j" "d['summary']['by_kind']['overwrite']")"
check_eq "docker: findings" \
	"chmod /root/example/somefile1.txt 4 3 6405|delete /root/example/somefile3.txt 7 6 6405|delete /root/example/somefile1.txt 9 4 6405|delete /root/example/somefile2.txt 9 5 6405|chmod /root/saved.txt 13 7 6405" \
	"$(jget "$j" "'|'.join('%s %s %d %d %d' % (f['kind'], f['path'], f['layer'], f['from_layer'], f['bytes']) for f in d['findings'])")"
check_eq "docker: chmod modes" "0644>0444|0644>0755" \
	"$(jget "$j" "'|'.join(f['before']['mode'] + '>' + f['after']['mode'] for f in d['findings'] if f['kind'] == 'chmod')")"
# dive's own test (image_archive_analysis_test.go) asserts these values.
check_eq "docker: dive efficiency" 0.984421213418431 "$(jget "$j" "round(d['summary']['dive']['efficiency'], 15)")"
check_eq "docker: dive wasted" 32025 "$(jget "$j" "d['summary']['dive']['wasted_bytes']")"
check_eq "docker: dive user wasted" 0.483491100140405 "$(jget "$j" "round(d['summary']['dive']['user_wasted_percent'], 15)")"
check_eq "docker: history" "chmod +x /root/saved.txt" "$(jget "$j" "d['layers'][13]['created_by'].replace('/bin/sh -c ', '')")"

# test-kaniko-image.tar: the same Dockerfile built by kaniko (README.md was
# 9249 B): gzip layers named .tar.gz, config named sha256:<hex>.
j=$TMP/kaniko.json
run_lw 0 "$j" -f json "$PEER/test-kaniko-image.tar"
check_invariant "$j"
check_eq "kaniko: format" tarball "$(jget "$j" "d['image']['format']")"
check_eq "kaniko: compression" gzip "$(jget "$j" "d['layers'][1]['compression']")"
check_eq "kaniko: wasted" 46245 "$(jget "$j" "d['summary']['wasted_bytes']")"
check_eq "kaniko: chmod" 18498 "$(jget "$j" "d['summary']['by_kind']['chmod']")"
check_eq "kaniko: delete" 27747 "$(jget "$j" "d['summary']['by_kind']['delete']")"
check_eq "kaniko: dive efficiency" 0.979368849021643 "$(jget "$j" "round(d['summary']['dive']['efficiency'], 15)")"
check_eq "kaniko: dive wasted" 46245 "$(jget "$j" "d['summary']['dive']['wasted_bytes']")"

# The four buildx OCI archives: one layer holding README.md (11189 B),
# uncompressed, gzip, estargz (gzip) and zstd; no manifest.json.
for alg in uncompressed gzip estargz zstd; do
	j=$TMP/oci-$alg.json
	run_lw 0 "$j" -f json "$PEER/test-oci-$alg-image.tar" || continue
	check_invariant "$j"
	check_eq "oci-$alg: format" oci-archive "$(jget "$j" "d['image']['format']")"
	check_eq "oci-$alg: platform" linux/arm64 "$(jget "$j" "d['image']['platform']")"
	check_eq "oci-$alg: total" 11189 "$(jget "$j" "d['image']['total_bytes']")"
	check_eq "oci-$alg: wasted" 0 "$(jget "$j" "d['summary']['wasted_bytes']")"
	check_eq "oci-$alg: history" "COPY README.md /README.md # buildkit" "$(jget "$j" "d['layers'][0]['created_by']")"
done
check_eq "oci-zstd: compression" zstd "$(jget "$TMP/oci-zstd.json" "d['layers'][0]['compression']")"
check_eq "oci-gzip: compression" gzip "$(jget "$TMP/oci-gzip.json" "d['layers'][0]['compression']")"
check_eq "oci-uncompressed: compression" none "$(jget "$TMP/oci-uncompressed.json" "d['layers'][0]['compression']")"

# The root-file-system tars are no images: a clear error, exit 3.
for alg in uncompressed gzip estargz zstd; do
	if run_lw 3 "$TMP/rootfs" "$PEER/test-$alg-image.tar"; then
		grep -q "not a container image" "$TMP/rootfs.err" && ok ||
			fail "rootfs $alg: message: $(cat "$TMP/rootfs.err")"
		[ -s "$TMP/rootfs" ] && fail "rootfs $alg: printed a report"
	fi
done

# inspect lists the same layers in text and JSON.
run_lw 0 "$TMP/inspect.json" inspect -f json "$PEER/test-docker-image.tar"
check_eq "inspect: diff_id 0" sha256:23bc2b70b2014dec0ac22f27bb93e9babd08cdd6f1115d0c955b9ff22b382f5a \
	"$(jget "$TMP/inspect.json" "d['layers'][0]['diff_id']")"
check_eq "inspect: layer 0 files" 1154361 "$(jget "$TMP/inspect.json" "d['layers'][0]['total_bytes']")"
finish
