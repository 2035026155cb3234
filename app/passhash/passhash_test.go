package passhash

import (
	"strings"
	"testing"
)

// cheap keeps the tests fast; Default is measured in TestDefaultCost.
var cheap = Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashVerify(t *testing.T) {
	h, err := Hash("482915", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	if strings.Contains(h, "482915") {
		t.Fatal("the hash contains the secret")
	}
	t.Run("OK", func(t *testing.T) {
		if ok, err := Verify("482915", h); err != nil || !ok {
			t.Fatalf("Verify(right) = %v, %v", ok, err)
		}
	})
	t.Run("Wrong", func(t *testing.T) {
		for _, s := range []string{"482916", "", "4829150", " 482915"} {
			if ok, err := Verify(s, h); err != nil || ok {
				t.Fatalf("Verify(%q) = %v, %v; want false", s, ok, err)
			}
		}
	})
	t.Run("SaltedEachTime", func(t *testing.T) {
		h2, _ := Hash("482915", cheap)
		if h2 == h {
			t.Fatal("two hashes of one secret are equal: no salt")
		}
	})
}

func TestDecodeRejects(t *testing.T) {
	good, _ := Hash("x", cheap)
	parts := strings.Split(good, "$")
	for name, s := range map[string]string{
		"Empty":    "",
		"Plain":    "482915",
		"Argon2i":  strings.Replace(good, "argon2id", "argon2i", 1),
		"Version":  strings.Replace(good, "v=19", "v=16", 1),
		"HugeMem":  strings.Replace(good, "m=1024", "m=99999999", 1),
		"ZeroTime": strings.Replace(good, "t=1", "t=0", 1),
		"BadSalt":  strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"),
		"ShortKey": strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Verify("x", s); err != ErrMalformed {
				t.Fatalf("Verify on %q: err %v, want ErrMalformed", s, err)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	h, _ := Hash("x", cheap)
	if !NeedsRehash(h, Default) {
		t.Fatal("a cheap hash does not need a rehash at Default")
	}
	if NeedsRehash(h, cheap) {
		t.Fatal("a hash needs a rehash at its own parameters")
	}
}

func TestDefaultVerifies(t *testing.T) {
	h, err := Hash("482915", Default)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := Verify("482915", h); !ok {
		t.Fatal("Default hash does not verify")
	}
}

// BenchmarkDefault measures what a sign-in costs at Default: a hash and a
// verification (go test -bench Default ./app/passhash).
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		h, err := Hash("482915", Default)
		if err != nil {
			b.Fatal(err)
		}
		if ok, _ := Verify("482915", h); !ok {
			b.Fatal("Default hash does not verify")
		}
	}
}
