package chainspec

import (
	"fmt"
	"strings"

	"github.com/balexec/balexec/exec/evm"
)

// Profile is a rule profile: the EIPs Amsterdam switches on, and the
// version of those whose specification changed between releases, as one
// release of the specifications or of a client has them. The forks up to
// Osaka are the same in every profile. The zero value is ProfileGeth. The
// profiles are compared side by side in the package documentation.
type Profile uint8

// The profiles.
const (
	// ProfileGeth is go-ethereum v1.17.10, which balexec must agree with
	// bit for bit: the default, and the rules of the hive chain, of the
	// go-ethereum differential and of every fixture that is not a devnet's.
	ProfileGeth Profile = iota
	// ProfileBalV570 is the Amsterdam of the execution-spec-tests release
	// tests-bal@v5.7.0, the bal-devnet fixtures of April 2026.
	ProfileBalV570
	numProfiles
)

// profile defines one Profile.
type profile struct {
	name string
	// amsterdam is the set of EIPs the Amsterdam fork switches on.
	amsterdam []EIP
	// The revision of the EIPs whose text differs between releases.
	rev8037, rev7954, rev7708 evm.Revision
	// releases are the execution-spec-tests release tags (as in a
	// fixture's _info.url) whose fixtures run under the profile.
	releases []string
}

// profiles is the one table of rule profiles; read-only.
var profiles = [numProfiles]profile{
	ProfileGeth: {
		name: "geth-v1.17.10",
		amsterdam: []EIP{EIP2780, EIP7708, EIP7843, EIP7928, EIP7954, EIP7976, EIP7981,
			EIP8024, EIP8037, EIP8038, EIP8246, EIP8282},
	},
	ProfileBalV570: {
		name: "tests-bal@v5.7.0",
		amsterdam: []EIP{EIP7708, EIP7778, EIP7843, EIP7928, EIP7954, EIP7976, EIP7981,
			EIP8024, EIP8037},
		rev8037:  evm.RevBalV570,
		rev7954:  evm.RevBalV570,
		rev7708:  evm.RevBalV570,
		releases: []string{"tests-bal@v5.7.0"},
	},
}

// String returns the profile's name ("geth-v1.17.10", "tests-bal@v5.7.0").
func (p Profile) String() string {
	if p < numProfiles {
		return profiles[p].name
	}
	return fmt.Sprintf("Profile(%d)", uint8(p))
}

// Profiles returns every profile, ProfileGeth first.
func Profiles() []Profile {
	out := make([]Profile, numProfiles)
	for i := range out {
		out[i] = Profile(i)
	}
	return out
}

// ProfileByName returns the profile with the given name, or
// ErrUnknownProfile.
func ProfileByName(name string) (Profile, error) {
	for p := range Profile(numProfiles) {
		if profiles[p].name == name {
			return p, nil
		}
	}
	names := make([]string, numProfiles)
	for i := range names {
		names[i] = profiles[i].name
	}
	return 0, fmt.Errorf("%w: %q (have %s)", ErrUnknownProfile, name, strings.Join(names, ", "))
}

// ProfileForRelease returns the profile the fixtures of an
// execution-spec-tests release need, from its tag ("tests-v5.4.0",
// "tests-bal@v5.7.0"; an empty tag or a commit for fixtures that name
// none). A devnet's release ("tests-bal@...", or any tag naming a devnet)
// must be one a profile lists: its rules are not go-ethereum's, and a
// guess would make its fixtures fail for the wrong reason, so an unknown
// one is ErrUnknownProfile. Every other release runs under ProfileGeth.
func ProfileForRelease(tag string) (Profile, error) {
	for p := range Profile(numProfiles) {
		for _, r := range profiles[p].releases {
			if r == tag {
				return p, nil
			}
		}
	}
	if strings.HasPrefix(tag, "tests-bal@") || strings.Contains(tag, "devnet") {
		return 0, fmt.Errorf("%w: no profile for the devnet release %q", ErrUnknownProfile, tag)
	}
	return ProfileGeth, nil
}

// profileIndex returns the configuration's profile, ProfileGeth for an
// invalid one (which Validate rejects).
func (c *Config) profileIndex() Profile {
	if c.Profile < numProfiles {
		return c.Profile
	}
	return ProfileGeth
}
