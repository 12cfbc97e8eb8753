"""Every write to a case, one function per action (``<entity>_<action>``), each typed,
keyword-only, transactional and audited. The submodules own one area each; import from
them (``from victory.cases.services.referral import referral_send``)."""
