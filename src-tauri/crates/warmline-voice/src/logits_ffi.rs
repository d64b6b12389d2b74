//! The one place Warmline calls into whisper.cpp's C API directly: the
//! logits filter that runs the [`DecodeGuard`] at every decoder step
//! (whisper-rs has no safe wrapper for it).
#![allow(unsafe_code)]

use whisper_rs::whisper_rs_sys::{whisper_context, whisper_n_vocab, whisper_state};
use whisper_rs::{FullParams, WhisperTokenData};

use crate::decode_guard::DecodeGuard;

/// Makes whisper.cpp hand every decoder step of the next `full` call made
/// with `params` to `guard`. The caller keeps `guard` alive (and in place)
/// until that call has returned.
pub(crate) fn install(params: &mut FullParams<'_, '_>, guard: &DecodeGuard) {
    // SAFETY: whisper.cpp stores the pointer and passes it back to
    // `guard_logits` only during `full`; the caller keeps `guard` alive for
    // that long, and `guard_logits` only takes a shared reference.
    unsafe {
        params.set_filter_logits_callback(Some(guard_logits));
        params.set_filter_logits_callback_user_data(
            guard as *const DecodeGuard as *mut std::ffi::c_void,
        );
    }
}

/// whisper.cpp calls this with `n_tokens` valid token records, one logit
/// per vocabulary entry, and the `user_data` set by [`install`].
unsafe extern "C" fn guard_logits(
    ctx: *mut whisper_context,
    _state: *mut whisper_state,
    tokens: *const WhisperTokenData,
    n_tokens: std::os::raw::c_int,
    logits: *mut f32,
    user_data: *mut std::ffi::c_void,
) {
    if user_data.is_null() || logits.is_null() || ctx.is_null() {
        return;
    }
    // SAFETY: the pointers are whisper.cpp's, valid for this call (see
    // above); `user_data` is the `DecodeGuard` given to `install`.
    let (guard, records, logits) = unsafe {
        let records = if tokens.is_null() || n_tokens <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(tokens, n_tokens as usize)
        };
        let n_vocab = whisper_n_vocab(ctx).max(0) as usize;
        (
            &*(user_data as *const DecodeGuard),
            records,
            std::slice::from_raw_parts_mut(logits, n_vocab),
        )
    };
    let ids: Vec<i32> = records.iter().map(|t| t.id).collect();
    guard.filter(&ids, logits);
}
