# The image on a shared base of scripts/bench (docs/performance.md): the
# one-big-layer image plus a small application, so that a cache filled by
# the base leaves only the new layers to read.
#   app/   a small tree of this machine (Python's dist-packages)
FROM localhost/layerwaste-bench-onelayer:latest
COPY app/ /app/
RUN chmod -R g+w /app
