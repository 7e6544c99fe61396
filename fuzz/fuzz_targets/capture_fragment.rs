#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trello_auth_fuzz_harness::capture_fragment(data));
