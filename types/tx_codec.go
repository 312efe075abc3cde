package types

import (
	"fmt"

	"github.com/balexec/balexec/internal/rlp"
	"github.com/holiman/uint256"
)

// Transaction encodings.
//
// The canonical ("binary") form is what the transaction hash and the
// transactions trie commit to: a legacy transaction is its RLP list, a typed
// one is the type byte followed by the RLP list of its payload. Inside a
// block body a typed transaction is wrapped as an RLP byte string (the
// "RLP" form); a legacy one appears as its list.

// toSize returns the encoded size of the "to" field.
func (tx *Transaction) toSize() int {
	if tx.IsCreate {
		return 1
	}
	return 1 + AddressLength
}

func (tx *Transaction) appendTo(dst []byte) []byte {
	if tx.IsCreate {
		return append(dst, rlp.EmptyString)
	}
	return rlp.AppendBytes(dst, tx.To[:])
}

func accessListContentSize(al AccessList) int {
	n := 0
	for i := range al {
		n += rlp.ListSize(1 + AddressLength + rlp.ListSize(len(al[i].StorageKeys)*(1+HashLength)))
	}
	return n
}

func appendAccessList(dst []byte, al AccessList) []byte {
	dst = rlp.AppendListHeader(dst, accessListContentSize(al))
	for i := range al {
		keys := len(al[i].StorageKeys) * (1 + HashLength)
		dst = rlp.AppendListHeader(dst, 1+AddressLength+rlp.ListSize(keys))
		dst = rlp.AppendBytes(dst, al[i].Address[:])
		dst = rlp.AppendListHeader(dst, keys)
		for j := range al[i].StorageKeys {
			dst = rlp.AppendBytes(dst, al[i].StorageKeys[j][:])
		}
	}
	return dst
}

func (a *Authorization) contentSize() int {
	return rlp.Uint256Size(&a.ChainID) + 1 + AddressLength + rlp.Uint64Size(a.Nonce) +
		rlp.Uint64Size(uint64(a.V)) + rlp.Uint256Size(&a.R) + rlp.Uint256Size(&a.S)
}

// AppendRLP appends the RLP encoding of a to dst.
func (a *Authorization) AppendRLP(dst []byte) []byte {
	dst = rlp.AppendListHeader(dst, a.contentSize())
	dst = rlp.AppendUint256(dst, &a.ChainID)
	dst = rlp.AppendBytes(dst, a.Address[:])
	dst = rlp.AppendUint64(dst, a.Nonce)
	dst = rlp.AppendUint64(dst, uint64(a.V))
	dst = rlp.AppendUint256(dst, &a.R)
	return rlp.AppendUint256(dst, &a.S)
}

func authListContentSize(al []Authorization) int {
	n := 0
	for i := range al {
		n += rlp.ListSize(al[i].contentSize())
	}
	return n
}

// fieldsSize returns the content size of the transaction's RLP list. With
// sig the signature values are included; without it the list is the signing
// payload, whose chain id is chainID (for a legacy transaction, a non-nil
// non-zero chainID selects the EIP-155 form [..., chainID, 0, 0]).
func (tx *Transaction) fieldsSize(sig bool, chainID *uint256.Int) int {
	var n int
	if tx.Type == LegacyTxType {
		n = rlp.Uint64Size(tx.Nonce) + rlp.Uint256Size(&tx.GasPrice) + rlp.Uint64Size(tx.Gas) +
			tx.toSize() + rlp.Uint256Size(&tx.Value) + rlp.BytesSize(tx.Data)
		switch {
		case sig:
			n += rlp.Uint256Size(&tx.V) + rlp.Uint256Size(&tx.R) + rlp.Uint256Size(&tx.S)
		case chainID != nil && !chainID.IsZero():
			n += rlp.Uint256Size(chainID) + 2
		}
		return n
	}
	n = rlp.Uint256Size(chainID) + rlp.Uint64Size(tx.Nonce)
	if tx.Type == AccessListTxType {
		n += rlp.Uint256Size(&tx.GasPrice)
	} else {
		n += rlp.Uint256Size(&tx.GasTipCap) + rlp.Uint256Size(&tx.GasFeeCap)
	}
	n += rlp.Uint64Size(tx.Gas) + tx.toSize() + rlp.Uint256Size(&tx.Value) + rlp.BytesSize(tx.Data) +
		rlp.ListSize(accessListContentSize(tx.AccessList))
	switch tx.Type {
	case BlobTxType:
		n += rlp.Uint256Size(&tx.BlobFeeCap) + rlp.ListSize(len(tx.BlobHashes)*(1+HashLength))
	case SetCodeTxType:
		n += rlp.ListSize(authListContentSize(tx.AuthList))
	}
	if sig {
		n += rlp.Uint256Size(&tx.V) + rlp.Uint256Size(&tx.R) + rlp.Uint256Size(&tx.S)
	}
	return n
}

// appendFields appends the transaction's RLP list; see fieldsSize.
func (tx *Transaction) appendFields(dst []byte, sig bool, chainID *uint256.Int) []byte {
	dst = rlp.AppendListHeader(dst, tx.fieldsSize(sig, chainID))
	if tx.Type == LegacyTxType {
		dst = rlp.AppendUint64(dst, tx.Nonce)
		dst = rlp.AppendUint256(dst, &tx.GasPrice)
		dst = rlp.AppendUint64(dst, tx.Gas)
		dst = tx.appendTo(dst)
		dst = rlp.AppendUint256(dst, &tx.Value)
		dst = rlp.AppendBytes(dst, tx.Data)
		switch {
		case sig:
			dst = rlp.AppendUint256(dst, &tx.V)
			dst = rlp.AppendUint256(dst, &tx.R)
			dst = rlp.AppendUint256(dst, &tx.S)
		case chainID != nil && !chainID.IsZero():
			dst = rlp.AppendUint256(dst, chainID)
			dst = append(dst, rlp.EmptyString, rlp.EmptyString)
		}
		return dst
	}
	dst = rlp.AppendUint256(dst, chainID)
	dst = rlp.AppendUint64(dst, tx.Nonce)
	if tx.Type == AccessListTxType {
		dst = rlp.AppendUint256(dst, &tx.GasPrice)
	} else {
		dst = rlp.AppendUint256(dst, &tx.GasTipCap)
		dst = rlp.AppendUint256(dst, &tx.GasFeeCap)
	}
	dst = rlp.AppendUint64(dst, tx.Gas)
	dst = tx.appendTo(dst)
	dst = rlp.AppendUint256(dst, &tx.Value)
	dst = rlp.AppendBytes(dst, tx.Data)
	dst = appendAccessList(dst, tx.AccessList)
	switch tx.Type {
	case BlobTxType:
		dst = rlp.AppendUint256(dst, &tx.BlobFeeCap)
		dst = rlp.AppendListHeader(dst, len(tx.BlobHashes)*(1+HashLength))
		for i := range tx.BlobHashes {
			dst = rlp.AppendBytes(dst, tx.BlobHashes[i][:])
		}
	case SetCodeTxType:
		dst = rlp.AppendListHeader(dst, authListContentSize(tx.AuthList))
		for i := range tx.AuthList {
			dst = tx.AuthList[i].AppendRLP(dst)
		}
	}
	if sig {
		dst = rlp.AppendUint256(dst, &tx.V)
		dst = rlp.AppendUint256(dst, &tx.R)
		dst = rlp.AppendUint256(dst, &tx.S)
	}
	return dst
}

// CanonicalSize returns the size of the canonical encoding of tx.
func (tx *Transaction) CanonicalSize() int {
	n := rlp.ListSize(tx.fieldsSize(true, &tx.ChainID))
	if tx.Type != LegacyTxType {
		n++
	}
	return n
}

// AppendCanonical appends the canonical encoding of tx to dst: the RLP list
// of a legacy transaction, or type || RLP(payload) of a typed one.
//
// A blob or set-code transaction with IsCreate set has no valid encoding;
// its "to" is written as the empty string, which no decoder accepts.
func (tx *Transaction) AppendCanonical(dst []byte) []byte {
	if tx.Type != LegacyTxType {
		dst = append(dst, tx.Type)
	}
	return tx.appendFields(dst, true, &tx.ChainID)
}

// MarshalCanonical returns the canonical encoding of tx in a new slice.
func (tx *Transaction) MarshalCanonical() []byte {
	return tx.AppendCanonical(make([]byte, 0, tx.CanonicalSize()))
}

// EncodedSize returns the size of the block-body (RLP) form of tx.
func (tx *Transaction) EncodedSize() int {
	n := tx.CanonicalSize()
	if tx.Type == LegacyTxType {
		return n
	}
	return rlp.ListSize(n) // a string header has the same size as a list header
}

// AppendRLP appends the block-body form of tx to dst: the canonical
// encoding, wrapped as an RLP byte string for a typed transaction.
func (tx *Transaction) AppendRLP(dst []byte) []byte {
	if tx.Type == LegacyTxType {
		return tx.AppendCanonical(dst)
	}
	dst = rlp.AppendStringHeader(dst, tx.CanonicalSize())
	return tx.AppendCanonical(dst)
}

// DecodeTransaction decodes the canonical encoding of a transaction. Data
// aliases b.
func DecodeTransaction(b []byte) (*Transaction, error) {
	tx := new(Transaction)
	if err := tx.DecodeCanonical(b); err != nil {
		return nil, err
	}
	return tx, nil
}

// DecodeCanonical decodes the canonical encoding of a transaction into tx and
// seals it. It is strict: anything it accepts re-encodes to b byte for byte.
// Data aliases b. On error tx is zeroed.
func (tx *Transaction) DecodeCanonical(b []byte) error {
	var err error
	switch {
	case len(b) == 0:
		err = fmt.Errorf("%w: transaction: %w", ErrMalformed, rlp.ErrUnexpectedEOF)
	case b[0] >= 0xC0:
		err = tx.decodeLegacy(b)
	case b[0] >= 0x80:
		// An RLP string: neither a legacy list nor a type byte.
		err = fmt.Errorf("%w: transaction: %w", ErrTxTypeNotSupported, rlp.ErrExpectedList)
	default:
		err = tx.decodeTyped(b)
	}
	if err != nil {
		*tx = Transaction{}
		return err
	}
	tx.hash = Keccak256One(b)
	tx.hashed = true
	return nil
}

// DecodeRLP decodes the block-body form of a transaction (a legacy list, or
// a byte string wrapping a typed transaction) into tx and seals it. b must be
// exactly one RLP value. Data aliases b. On error tx is zeroed.
func (tx *Transaction) DecodeRLP(b []byte) error {
	k, content, rest, err := rlp.Split(b)
	switch {
	case err != nil:
		err = fmt.Errorf("%w: transaction: %w", ErrMalformed, err)
	case len(rest) != 0:
		err = fmt.Errorf("%w: transaction: %w", ErrMalformed, rlp.ErrTrailingBytes)
	case k == rlp.List:
		err = tx.decodeLegacy(b)
		content = b
	case k == rlp.Byte || len(content) <= 1:
		err = ErrShortTypedTx
	case content[0] >= 0xC0:
		err = ErrLegacyTxInEnvelope
	case content[0] >= 0x80:
		err = fmt.Errorf("%w: type byte %#x", ErrTxTypeNotSupported, content[0])
	default:
		err = tx.decodeTyped(content)
	}
	if err != nil {
		*tx = Transaction{}
		return err
	}
	tx.hash = Keccak256One(content)
	tx.hashed = true
	return nil
}

func (tx *Transaction) decodeLegacy(b []byte) error {
	*tx = Transaction{}
	r := rlp.NewListReader(b)
	tx.Nonce = r.Uint64()
	r.Uint256(&tx.GasPrice)
	tx.Gas = r.Uint64()
	tx.decodeTo(&r)
	r.Uint256(&tx.Value)
	tx.Data = nilIfEmpty(r.Bytes())
	r.Uint256(&tx.V)
	r.Uint256(&tx.R)
	r.Uint256(&tx.S)
	if err := r.End(); err != nil {
		return fmt.Errorf("%w: legacy transaction: %w", ErrMalformed, err)
	}
	return nil
}

// decodeTyped decodes type || RLP(payload).
func (tx *Transaction) decodeTyped(b []byte) error {
	*tx = Transaction{}
	if len(b) <= 1 {
		return ErrShortTypedTx
	}
	typ := b[0]
	if typ < AccessListTxType || typ > SetCodeTxType {
		return fmt.Errorf("%w: type %#x", ErrTxTypeNotSupported, typ)
	}
	tx.Type = typ
	r := rlp.NewListReader(b[1:])
	r.Uint256(&tx.ChainID)
	tx.Nonce = r.Uint64()
	if typ == AccessListTxType {
		r.Uint256(&tx.GasPrice)
	} else {
		r.Uint256(&tx.GasTipCap)
		r.Uint256(&tx.GasFeeCap)
	}
	tx.Gas = r.Uint64()
	tx.decodeTo(&r)
	r.Uint256(&tx.Value)
	tx.Data = nilIfEmpty(r.Bytes())
	tx.AccessList = decodeAccessList(&r)
	switch typ {
	case BlobTxType:
		r.Uint256(&tx.BlobFeeCap)
		if raw := r.Raw(); r.Err() == nil {
			hs, err := decodeHashList(raw)
			r.Fail(err)
			tx.BlobHashes = hs
		}
	case SetCodeTxType:
		tx.AuthList = decodeAuthList(&r)
	}
	r.Uint256(&tx.V)
	r.Uint256(&tx.R)
	r.Uint256(&tx.S)
	if err := r.End(); err != nil {
		return fmt.Errorf("%w: transaction type %d: %w", ErrMalformed, typ, err)
	}
	return nil
}

// decodeTo reads the "to" field: empty for a contract creation (not allowed
// for blob and set-code transactions), else exactly 20 bytes.
func (tx *Transaction) decodeTo(r *rlp.Reader) {
	c := r.Bytes()
	if r.Err() != nil {
		return
	}
	switch len(c) {
	case 0:
		if tx.Type == BlobTxType || tx.Type == SetCodeTxType {
			r.Fail(ErrTxMissingTo)
			return
		}
		tx.IsCreate = true
	case AddressLength:
		copy(tx.To[:], c)
	default:
		r.Fail(fmt.Errorf("%w: to: got %d bytes, want %d", rlp.ErrWrongLength, len(c), AddressLength))
	}
}

// listContent consumes the next element of r, which must be a list, and
// returns its content and element count.
func listContent(r *rlp.Reader) ([]byte, int) {
	raw := r.Raw()
	if r.Err() != nil {
		return nil, 0
	}
	content, _, err := rlp.SplitList(raw)
	if err != nil {
		r.Fail(err)
		return nil, 0
	}
	n, err := rlp.CountValues(content)
	if err != nil {
		r.Fail(err)
		return nil, 0
	}
	return content, n
}

func decodeAccessList(r *rlp.Reader) AccessList {
	content, n := listContent(r)
	if n == 0 {
		return nil
	}
	al := make(AccessList, n)
	lr := rlp.NewReader(content)
	for i := range al {
		tr := lr.List()
		tr.FixedBytes(al[i].Address[:])
		keys := tr.Raw()
		if err := tr.End(); err != nil {
			r.Fail(fmt.Errorf("access list entry %d: %w", i, err))
			return nil
		}
		hs, err := decodeHashList(keys)
		if err != nil {
			r.Fail(fmt.Errorf("access list entry %d keys: %w", i, err))
			return nil
		}
		al[i].StorageKeys = hs
	}
	return al
}

func decodeAuthList(r *rlp.Reader) []Authorization {
	content, n := listContent(r)
	if n == 0 {
		return nil
	}
	auths := make([]Authorization, n)
	lr := rlp.NewReader(content)
	for i := range auths {
		a := &auths[i]
		ar := lr.List()
		ar.Uint256(&a.ChainID)
		ar.FixedBytes(a.Address[:])
		a.Nonce = ar.Uint64()
		a.V = ar.Uint8()
		ar.Uint256(&a.R)
		ar.Uint256(&a.S)
		if err := ar.End(); err != nil {
			r.Fail(fmt.Errorf("authorization %d: %w", i, err))
			return nil
		}
	}
	return auths
}
