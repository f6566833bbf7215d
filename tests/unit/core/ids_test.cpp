#include <boost/test/unit_test.hpp>

#include "gateway/core/digest.hpp"
#include "gateway/core/ids.hpp"

using namespace sluis::core;

BOOST_AUTO_TEST_CASE(bsn_elfproef_accepts_and_refuses) {
  // Synthetic numbers built to pass the 11-check.
  BOOST_CHECK(bsn_elfproef("999990019"));
  BOOST_CHECK(bsn_elfproef("123456782"));
  BOOST_CHECK(!bsn_elfproef("123456789"));
  BOOST_CHECK(!bsn_elfproef("000000000"));
  BOOST_CHECK(!bsn_elfproef("12345678"));
  BOOST_CHECK(!bsn_elfproef("12345678a"));
  BOOST_CHECK(Bsn::parse("123456782").has_value());
  BOOST_CHECK(!Bsn::parse("123456781").has_value());
}

BOOST_AUTO_TEST_CASE(codes_have_fixed_lengths) {
  BOOST_CHECK(AgbCode::parse("98765432").has_value());
  BOOST_CHECK(!AgbCode::parse("9876543").has_value());
  BOOST_CHECK(GemeenteCode::parse("0363").has_value());
  BOOST_CHECK(!GemeenteCode::parse("363").has_value());
  BOOST_CHECK(!GemeenteCode::parse("03a3").has_value());
}

BOOST_AUTO_TEST_CASE(digests_match_known_vectors) {
  BOOST_TEST(sha256_hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  BOOST_TEST(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The keyed object gives the same values, call after call (each call starts
  // from the keyed state, not from the previous message).
  Hmac jefe("Jefe");
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(jefe.hex("what do ya want for nothing?") ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test case 6: a key longer than the block size (131 bytes of 0xaa).
  Hmac longkey(std::string(131, '\xaa'));
  BOOST_TEST(longkey.hex("Test Using Larger Than Block-Size Key - Hash Key First") ==
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  BOOST_TEST(longkey.hex("x") == hmac_sha256_hex(std::string(131, '\xaa'), "x"));
  // The same digest as its 32 bytes (what the intake keeps per BSN).
  const Sha256 d = jefe.digest("what do ya want for nothing?");
  BOOST_TEST(d[0] == 0x5b);
  BOOST_TEST(d[31] == 0x43);
  BOOST_TEST(hex(d) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // And back: exactly 64 lowercase hex digits.
  BOOST_TEST((sha256_of_hex(hex(d)) == d));
  BOOST_TEST(!sha256_of_hex("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"));
  BOOST_TEST(!sha256_of_hex(hex(d).substr(1)));
  BOOST_TEST(!sha256_of_hex(hex(d) + "00"));
  BOOST_TEST(!sha256_of_hex(std::string(63, '0') + "g"));
}

BOOST_AUTO_TEST_CASE(hex_digest_as_base64_for_repr_digest) {
  // RFC 9530's example form: sha-256 of "abc", as `openssl dgst -binary | base64` gives it.
  BOOST_TEST(hex_to_base64(sha256_hex("abc")) == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  BOOST_TEST(hex_to_base64("BA78") == "ung=");
  BOOST_TEST(hex_to_base64("") == "");
  BOOST_TEST(hex_to_base64("abc") == "");   // odd
  BOOST_TEST(hex_to_base64("zz00") == "");  // not hex
}
