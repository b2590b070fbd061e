package manifest

import (
	"bytes"
	"runtime"
	"sync"

	"go.yaml.in/yaml/v3"
)

// chunkSize is about how much YAML one parse takes on: large files are cut
// at document markers into parts of at least this size, parsed in parallel.
const chunkSize = 64 << 10

// pendingFile is a file being read: its parts, each parsed by a goroutine.
type pendingFile struct {
	dispatched chan struct{} // closed once every part is under way
	parts      sync.WaitGroup

	name   string
	data   []byte
	failed *fileResult // set when the file cannot be read
	chunks []chunk
}

// chunk is a run of whole documents of a file, starting at line line+1.
type chunk struct {
	data []byte
	line int

	res fileResult
	ok  bool
}

// parallel reads files ahead of the caller, in a goroutine, and parses
// their parts with at most GOMAXPROCS goroutines at once; next(i) waits for
// file i and returns what it held, exactly as sequential would but for
// decoding fast. stop abandons what the caller no longer wants.
func (l *loader) parallel(files []string, size int) (next func(i int) *fileResult, stop func()) {
	pending := make([]*pendingFile, len(files))
	for i := range pending {
		pending[i] = &pendingFile{dispatched: make(chan struct{})}
	}
	quit := make(chan struct{})
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	ns := l.opts.Namespace
	go func() {
		for i, f := range files {
			p := pending[i]
			select {
			case <-quit:
				close(p.dispatched)
				continue
			default:
			}
			p.name, p.data, p.failed = l.readFile(f)
			if p.failed == nil {
				p.chunks = splitDocuments(p.data, size)
				for j := range p.chunks {
					c := &p.chunks[j]
					sem <- struct{}{}
					p.parts.Add(1)
					go func() {
						defer func() { <-sem; p.parts.Done() }()
						r := &reader{file: p.name, ns: ns, fast: true, deleteAnnotation: l.opts.DeleteAnnotation}
						c.ok = r.stream(c.data, c.line)
						c.res = r.res
					}()
				}
			}
			close(p.dispatched)
		}
	}()
	next = func(i int) *fileResult {
		p := pending[i]
		<-p.dispatched
		p.parts.Wait()
		defer func() { p.data, p.chunks = nil, nil }() // done with them
		if p.failed != nil {
			return p.failed
		}
		if len(p.chunks) == 1 {
			return &p.chunks[0].res
		}
		res := &fileResult{}
		for _, c := range p.chunks {
			if !c.ok {
				// A syntax error: read the file again as one stream, so
				// that what comes before and the error's line are as
				// they would be.
				r := &reader{file: p.name, ns: ns, fast: true, deleteAnnotation: l.opts.DeleteAnnotation}
				r.stream(p.data, 0)
				return &r.res
			}
			res.items = append(res.items, c.res.items...)
			res.ignored += c.res.ignored
		}
		return res
	}
	return next, func() { close(quit) }
}

// splitDocuments cuts a YAML stream into runs of whole documents of at
// least size bytes, at lines that start a document ("---" at the start of
// a line, which ends whatever came before in YAML, even inside a block
// scalar). It leaves the stream whole when it is small, or when something
// could make a part read differently from the whole or its lines count
// differently: directives (which apply to the next document), line breaks
// other than \n and \r\n, and encodings other than UTF-8.
func splitDocuments(data []byte, size int) []chunk {
	whole := []chunk{{data: data}}
	if len(data) < 2*size || data[0] == 0xfe || data[0] == 0xff || bytes.IndexByte(data, 0) >= 0 ||
		data[0] == '%' || bytes.Contains(data, []byte("\n%")) ||
		bytes.Contains(data, []byte("\u0085")) || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029")) {
		return whole
	}
	for i := 0; ; i++ {
		j := bytes.IndexByte(data[i:], '\r')
		if j < 0 {
			break
		}
		if i += j; i+1 >= len(data) || data[i+1] != '\n' {
			return whole
		}
	}
	var out []chunk
	start, startLine, line := 0, 0, 0
	for pos := 0; pos < len(data); {
		nl := bytes.IndexByte(data[pos:], '\n')
		if nl < 0 {
			break
		}
		pos += nl + 1
		line++
		if pos-start >= size && isDocumentStart(data[pos:]) {
			out = append(out, chunk{data: data[start:pos], line: startLine})
			start, startLine = pos, line
		}
	}
	return append(out, chunk{data: data[start:], line: startLine})
}

// isDocumentStart reports whether b starts with a document start marker.
func isDocumentStart(b []byte) bool {
	return len(b) >= 3 && b[0] == '-' && b[1] == '-' && b[2] == '-' &&
		(len(b) == 3 || b[3] == ' ' || b[3] == '\t' || b[3] == '\r' || b[3] == '\n')
}

// shiftLines moves the lines of a tree parsed from a part of a file to the
// file's lines.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}
