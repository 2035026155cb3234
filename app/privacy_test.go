package app

import "testing"

// Every personal field named is a field of its entity: a rename would
// leave a name or a phone unanonymised and unmasked.
func TestPersonalFieldsExist(t *testing.T) {
	for entity, p := range PersonalFieldsOf {
		have := fieldsOfEntity(entity)
		if len(have) == 0 {
			t.Fatalf("entity %q has no fields", entity)
		}
		for _, f := range p.All() {
			if !have[f] {
				t.Errorf("%s.%s is not a field", entity, f)
			}
		}
	}
}
