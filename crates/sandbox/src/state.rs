//! The sandbox's world, in memory: one account, its SIP media applications (those it starts
//! with, and those CreateSipMediaApplication adds), its phone-number inventory, and every call it
//! has placed.

use std::collections::HashMap;
use std::time::SystemTime;

/// The account id every sandbox resource lives in (the documentation's example account).
pub(crate) const ACCOUNT_ID: &str = "111122223333";

/// A fresh account's quota of SIP media applications: CreateSipMediaApplication refuses the 31st.
pub(crate) const SIP_MEDIA_APPLICATIONS_QUOTA: usize = 30;

#[derive(Debug, Clone)]
pub(crate) struct SipMediaApplication {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) region: String,
    pub(crate) lambda_arn: String,
    pub(crate) created: SystemTime,
}

impl SipMediaApplication {
    pub(crate) fn arn(&self) -> String {
        format!("arn:aws:chime:{}:{ACCOUNT_ID}:sma/{}", self.region, self.id)
    }

    /// The handler's function name, from the last `:function:NAME` part of the LambdaArn.
    pub(crate) fn function_name(&self) -> &str {
        self.lambda_arn
            .rsplit_once(":function:")
            .map(|(_, name)| name.split(':').next().unwrap_or(name))
            .unwrap_or(&self.lambda_arn)
    }
}

/// Where a call is in its life. Calls only move forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallStatus {
    Created,
    Connected,
    Ended,
}

#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) transaction_id: String,
    pub(crate) sma_id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) arguments: std::collections::BTreeMap<String, String>,
    pub(crate) sip_headers: std::collections::BTreeMap<String, String>,
    pub(crate) status: CallStatus,
    /// The running call's task; `None` once it has ended.
    pub(crate) inbox: Option<tokio::sync::mpsc::Sender<super::call_message::CallMessage>>,
}

#[derive(Debug)]
pub(crate) struct World {
    /// In creation order, which is also ListSipMediaApplications order.
    pub(crate) sip_media_applications: Vec<SipMediaApplication>,
    /// E.164 numbers the account owns: the only valid FromPhoneNumber values.
    pub(crate) inventory: Vec<String>,
    pub(crate) calls: HashMap<String, Call>,
    /// TransactionId -> the leg of a bridged call left connected after the other hung up.
    pub(crate) left_hanging: HashMap<String, String>,
    /// The account's region (every SMA's AwsRegion).
    pub(crate) region: String,
}

impl World {
    /// A fresh account with `sma_count` SIP media applications and a small number inventory.
    pub(crate) fn new(region: &str, sma_count: usize, function_name: &str) -> World {
        let now = SystemTime::now();
        let sip_media_applications = (0..sma_count.max(1))
            .map(|index| {
                let function = if index == 0 {
                    function_name.to_string()
                } else {
                    format!("{function_name}-{}", index + 1)
                };
                SipMediaApplication {
                    id: uuid::Uuid::new_v4().to_string(),
                    name: if index == 0 {
                        "chimecall-sandbox".to_string()
                    } else {
                        format!("chimecall-sandbox-{}", index + 1)
                    },
                    region: region.to_string(),
                    lambda_arn: format!("arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{function}"),
                    created: now,
                }
            })
            .collect();
        World {
            sip_media_applications,
            inventory: (100..110).map(|n| format!("+1206555{n:04}")).collect(),
            calls: HashMap::new(),
            left_hanging: HashMap::new(),
            region: region.to_string(),
        }
    }

    pub(crate) fn sma(&self, id: &str) -> Option<&SipMediaApplication> {
        self.sip_media_applications.iter().find(|sma| sma.id == id)
    }

    /// CreateSipMediaApplication, once its input is checked: the new SMA, last in list order.
    pub(crate) fn add_sma(&mut self, name: &str, lambda_arn: &str) -> &SipMediaApplication {
        self.sip_media_applications.push(SipMediaApplication {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_string(),
            region: self.region.clone(),
            lambda_arn: lambda_arn.to_string(),
            created: SystemTime::now(),
        });
        self.sip_media_applications.last().expect("just pushed")
    }

    /// DeleteSipMediaApplication: the SMA removed, if there was one.
    pub(crate) fn remove_sma(&mut self, id: &str) -> Option<SipMediaApplication> {
        let index = self
            .sip_media_applications
            .iter()
            .position(|sma| sma.id == id)?;
        Some(self.sip_media_applications.remove(index))
    }

    /// Whether a call of this SMA has not ended yet.
    pub(crate) fn has_calls_in_progress(&self, sma_id: &str) -> bool {
        self.calls
            .values()
            .any(|call| call.sma_id == sma_id && call.status != CallStatus::Ended)
    }

    pub(crate) fn owns_number(&self, number: &str) -> bool {
        self.inventory.iter().any(|owned| owned == number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::FUNCTION_NAME;

    #[test]
    fn function_name_comes_from_the_lambda_arn() {
        let world = World::new("us-east-1", 2, FUNCTION_NAME);
        assert_eq!(
            world.sip_media_applications[0].function_name(),
            "chimecall-sandbox-handler"
        );
        let mut sma = world.sip_media_applications[1].clone();
        sma.lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:my-fn:live".into();
        assert_eq!(sma.function_name(), "my-fn");
    }

    #[test]
    fn inventory_numbers_are_e164() {
        let world = World::new("us-east-1", 1, FUNCTION_NAME);
        assert!(world
            .inventory
            .iter()
            .all(|n| chimecall_model::rules::is_e164(n)));
        assert!(world.owns_number("+12065550100"));
        assert!(!world.owns_number("+12065550199"));
    }
}
