//! `trello-auth origin`: the exact allowed origin to register for the key (SPEC S7).

use trello_auth_core::login::LoopbackOrigin;

use crate::args::OriginArgs;
use crate::{output, Failure};

pub(crate) fn run(args: OriginArgs) -> Result<u8, Failure> {
    let origin = LoopbackOrigin::new(args.port).map_err(|e| Failure::config(e.to_string()))?;
    output::result(origin.as_str());
    Ok(0)
}
