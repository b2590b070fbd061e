package manifest

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// lines is what an object keeps of its node tree once decoded: where each
// field and list item is written, for LineOf. The tree itself is several
// times larger and is dropped.
type lines []lineEntry

// lineEntry is one node: the key that names it in its parent mapping
// (empty in a list), the line where it is written (its key's, or the
// item's), and its children, entries [first, first+count).
type lineEntry struct {
	key          string
	line         int32
	kind         yaml.Kind
	first, count int32
}

// linesOf flattens the tree at root, breadth first, so that each node's
// children are adjacent.
func linesOf(root *yaml.Node) lines {
	out := lines{{line: int32(root.Line), kind: root.Kind}}
	nodes := []*yaml.Node{root}
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		out[i].first = int32(len(out))
		switch n.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(n.Content); j += 2 {
				k, v := n.Content[j], n.Content[j+1]
				out = append(out, lineEntry{key: k.Value, line: int32(k.Line), kind: v.Kind})
				nodes = append(nodes, v)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				out = append(out, lineEntry{line: int32(c.Line), kind: c.Kind})
				nodes = append(nodes, c)
			}
		}
		out[i].count = int32(len(out)) - out[i].first
	}
	return out
}

// child is the entry a path segment names below entry i, a key of a mapping
// (its first occurrence) or an index ("[2]") of a sequence; -1 when none.
func (ls lines) child(i int, seg string) int {
	e := ls[i]
	if idx, ok := strings.CutPrefix(seg, "["); ok {
		n, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
		if err != nil || e.kind != yaml.SequenceNode || n < 0 || n >= int(e.count) {
			return -1
		}
		return int(e.first) + n
	}
	if e.kind != yaml.MappingNode {
		return -1
	}
	for j := e.first; j < e.first+e.count; j++ {
		if ls[j].key == seg {
			return int(j)
		}
	}
	return -1
}
