# The compare-heavy image of scripts/bench (docs/performance.md): a few
# hundred MB of large files (bench/makedata.py), then steps that store most
# of them again with the same content, so that nearly all the waste must be
# proven equal by comparing content rather than read off the headers.
#   busybox   a static busybox, the shell for RUN
#   data/     own/ mode/ time/ edit/ keep/ (bench/makedata.py)
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/usr/local/bin:/usr/bin:/bin

COPY data/ /data/

# chown copy: 192 MiB of large files again, content unchanged.
RUN chown -R 1000:1000 /data/own

# chmod copy: 96 MiB again.
RUN chmod -R g+w /data/mode

# touch copy: 48 MiB again, mostly small files.
RUN find /data/time -type f -exec touch -d '2024-01-01 00:00:00' {} +

# overwrite: one byte of each file changed in place; the size stays, so
# only the content tells it from a touch.
RUN for f in /data/edit/*; do printf Z | dd of="$f" bs=1 seek=4096 conv=notrunc 2>/dev/null; done
