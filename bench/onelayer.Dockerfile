# The one-big-layer image of scripts/bench (docs/performance.md): one COPY
# holds most of the bytes, as a `pip install` of a large stack does, so
# that spreading layers over the cores does not help; a few small layers
# follow.
#   busybox   a static busybox, the shell for RUN
#   stack/    Python installations of this machine (scripts/bench picks
#             trees up to about 1.3 GB)
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/usr/local/bin:/usr/bin:/bin

COPY stack/ /opt/stack/

# delete: the byte-code caches go, their bytes stay in the layer below.
RUN find /opt/stack -name __pycache__ -type d -prune -exec rm -rf {} +

# chmod copy: the C headers again, content unchanged.
RUN find /opt/stack -path '*/include/*' -type f -exec chmod g+w {} +
