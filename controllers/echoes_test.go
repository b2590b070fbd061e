package controllers

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"

	orgv1 "github.com/orgplane/orgplane/api/v1alpha1"
)

func TestEchoes(t *testing.T) {
	a := objectID{orgv1.KindTeam, types.NamespacedName{Namespace: "acme", Name: "a"}}
	b := objectID{orgv1.KindPlatform, types.NamespacedName{Namespace: "acme", Name: "a"}}
	type update struct {
		id   objectID
		rv   string
		echo bool
	}
	for _, tc := range []struct {
		name    string
		wrote   map[objectID]string
		forget  []objectID
		updates []update
	}{{
		name:    "the write's own update is an echo, once",
		wrote:   map[objectID]string{a: "5"},
		updates: []update{{a, "5", true}, {a, "5", false}},
	}, {
		name:    "an update from before the write is none, and the write stays recorded",
		wrote:   map[objectID]string{a: "5"},
		updates: []update{{a, "4", false}, {a, "5", true}},
	}, {
		name:    "another writer's update is none",
		wrote:   map[objectID]string{a: "5"},
		updates: []update{{a, "6", false}},
	}, {
		name:    "objects of other kinds are apart",
		wrote:   map[objectID]string{a: "5"},
		updates: []update{{b, "5", false}, {a, "5", true}},
	}, {
		name:    "nothing is an echo of a deleted object",
		wrote:   map[objectID]string{a: "5"},
		forget:  []objectID{a},
		updates: []update{{a, "5", false}},
	}, {
		name:    "nothing written, no echo",
		updates: []update{{a, "1", false}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEchoes()
			for id, rv := range tc.wrote {
				e.wrote(id, rv)
			}
			for _, id := range tc.forget {
				e.forget(id)
			}
			for i, u := range tc.updates {
				if got := e.echo(u.id, u.rv); got != u.echo {
					t.Errorf("update %d (%v at %s): echo %v, want %v", i, u.id, u.rv, got, u.echo)
				}
			}
		})
	}
}
