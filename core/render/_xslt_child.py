"""Child process that runs one untrusted XSLT transform under the limits its parent passes.

Started by ``isolate.transform_in_child`` as a plain script (``python -I``): it imports only lxml and
the standard library, lowers its own CPU-time and address-space limits before reading anything, and
compiles with libxslt's access control denying every file and network access and without lxml's
regular-expression extension. Input on stdin: three length-prefixed blobs (stylesheet, document,
JSON parameters). Output: the serialised result on stdout, or an exit status the parent maps to a
typed error.
"""

import json
import resource
import struct
import sys

EXIT_FAILED, EXIT_MEMORY, EXIT_EMPTY, EXIT_TOO_LARGE = 3, 4, 5, 6


def _limit(kind, soft):
    _current, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def _blobs(data):
    position, blobs = 0, []
    for _index in range(3):
        (size,) = struct.unpack_from(">Q", data, position)
        position += 8
        blobs.append(data[position : position + size])
        position += size
    return blobs


def main():
    cpu_seconds, memory_bytes, max_chars = (int(value) for value in sys.argv[1:4])
    _limit(resource.RLIMIT_CPU, cpu_seconds)
    _limit(resource.RLIMIT_AS, memory_bytes)
    _limit(resource.RLIMIT_CORE, 0)
    from lxml import etree  # imported once the limits hold

    try:
        stylesheet, document, params = _blobs(sys.stdin.buffer.read())
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        transform = etree.XSLT(
            etree.fromstring(stylesheet, parser),
            access_control=etree.XSLTAccessControl.DENY_ALL,
            regexp=False,
        )
        arguments = {key: etree.XSLT.strparam(value) for key, value in json.loads(params).items()}
        result = transform(etree.fromstring(document, parser), **arguments)
        text = str(result)
    except MemoryError:
        sys.exit(EXIT_MEMORY)
    except (etree.XSLTError, etree.XMLSyntaxError) as exc:
        sys.stderr.write(str(exc)[:2000])
        sys.exit(EXIT_MEMORY if "memory" in str(exc).lower() else EXIT_FAILED)
    if not text.strip():
        sys.exit(EXIT_EMPTY)
    if len(text) > max_chars:
        sys.exit(EXIT_TOO_LARGE)
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
