SELECT
  `TimeGenerated`,
  `User`,
  `Count`,
  `Hosts`
FROM (
  SELECT
    `TimeGenerated`,
    `User`,
    `Count`,
    `Hosts`
  FROM (
    SELECT
      TIMESTAMP_MICROS(
        (
          (
            UNIX_MICROS(`TimeGenerated`) + 62135596800000000
          ) DIV CASE
            WHEN (
              (
                CAST(36000000000 AS BIGINT)
              ) DIV 10
            ) > 0
            THEN (
              CAST(36000000000 AS BIGINT)
            ) DIV 10
          END - CASE
            WHEN (
              UNIX_MICROS(`TimeGenerated`) + 62135596800000000
            ) % CASE
              WHEN (
                (
                  CAST(36000000000 AS BIGINT)
                ) DIV 10
              ) > 0
              THEN (
                CAST(36000000000 AS BIGINT)
              ) DIV 10
            END <> 0
            AND (
              (
                UNIX_MICROS(`TimeGenerated`) + 62135596800000000
              ) < 0
            ) <> (
              CASE
                WHEN (
                  (
                    CAST(36000000000 AS BIGINT)
                  ) DIV 10
                ) > 0
                THEN (
                  CAST(36000000000 AS BIGINT)
                ) DIV 10
              END < 0
            )
            THEN 1
            ELSE 0
          END
        ) * (
          (
            CAST(36000000000 AS BIGINT)
          ) DIV 10
        ) - 62135596800000000
      ) AS `TimeGenerated`,
      `User`,
      COUNT(*) AS `Count`,
      COUNT(DISTINCT `Dvc`) AS `Hosts`
    FROM (
      SELECT
        `TimeGenerated`,
        `Type`,
        `EventCount`,
        `EventStartTime`,
        `EventEndTime`,
        `EventType`,
        `EventSubType`,
        `EventResult`,
        `EventResultDetails`,
        `EventOriginalResultDetails`,
        `EventSeverity`,
        `EventOriginalSeverity`,
        `EventUid`,
        `EventOriginalUid`,
        `EventOriginalType`,
        `EventOriginalSubType`,
        `EventMessage`,
        `EventProduct`,
        `EventProductVersion`,
        `EventVendor`,
        `EventSchema`,
        `EventSchemaVersion`,
        `EventReportUrl`,
        `EventOwner`,
        `AdditionalFields`,
        `Dvc`,
        `DvcIpAddr`,
        `DvcHostname`,
        `DvcDomain`,
        `DvcDomainType`,
        `DvcFQDN`,
        `DvcId`,
        `DvcIdType`,
        `DvcDescription`,
        `DvcMacAddr`,
        `DvcZone`,
        `DvcOs`,
        `DvcOsVersion`,
        `DvcAction`,
        `DvcOriginalAction`,
        `DvcInterface`,
        `DvcScopeId`,
        `DvcScope`,
        `User`,
        `Process`,
        `CommandLine`,
        `Hash`,
        `ActorUserId`,
        `ActorUserIdType`,
        `ActorScope`,
        `ActorScopeId`,
        `ActorUsername`,
        `ActorUsernameType`,
        `ActorSessionId`,
        `ActorUserType`,
        `ActorOriginalUserType`,
        `ActingProcessCommandLine`,
        `ActingProcessCreationTime`,
        `ActingProcessFileCompany`,
        `ActingProcessFileDescription`,
        `ActingProcessFileInternalName`,
        `ActingProcessFileOriginalName`,
        `ActingProcessFileProduct`,
        `ActingProcessFileSize`,
        `ActingProcessFileVersion`,
        `ActingProcessFilename`,
        `ActingProcessGuid`,
        `ActingProcessIMPHASH`,
        `ActingProcessId`,
        `ActingProcessInjectedAddress`,
        `ActingProcessIntegrityLevel`,
        `ActingProcessIsHidden`,
        `ActingProcessMD5`,
        `ActingProcessName`,
        `ActingProcessSHA1`,
        `ActingProcessSHA256`,
        `ActingProcessSHA512`,
        `ActingProcessTokenElevation`,
        `ParentProcessCreationTime`,
        `ParentProcessFileCompany`,
        `ParentProcessFileDescription`,
        `ParentProcessFileProduct`,
        `ParentProcessFileVersion`,
        `ParentProcessGuid`,
        `ParentProcessIMPHASH`,
        `ParentProcessId`,
        `ParentProcessInjectedAddress`,
        `ParentProcessIntegrityLevel`,
        `ParentProcessIsHidden`,
        `ParentProcessMD5`,
        `ParentProcessName`,
        `ParentProcessSHA1`,
        `ParentProcessSHA256`,
        `ParentProcessSHA512`,
        `ParentProcessTokenElevation`,
        `TargetUsername`,
        `TargetUsernameType`,
        `TargetUserId`,
        `TargetUserIdType`,
        `TargetUserSessionId`,
        `TargetUserType`,
        `TargetOriginalUserType`,
        `TargetUserScope`,
        `TargetUserScopeId`,
        `TargetUserSessionGuid`,
        `TargetProcessCommandLine`,
        `TargetProcessCreationTime`,
        `TargetProcessCurrentDirectory`,
        `TargetProcessFileCompany`,
        `TargetProcessFileDescription`,
        `TargetProcessFileInternalName`,
        `TargetProcessFileOriginalName`,
        `TargetProcessFileProduct`,
        `TargetProcessFileSize`,
        `TargetProcessFileVersion`,
        `TargetProcessFilename`,
        `TargetProcessGuid`,
        `TargetProcessIMPHASH`,
        `TargetProcessId`,
        `TargetProcessInjectedAddress`,
        `TargetProcessIntegrityLevel`,
        `TargetProcessIsHidden`,
        `TargetProcessMD5`,
        `TargetProcessName`,
        `TargetProcessSHA1`,
        `TargetProcessSHA256`,
        `TargetProcessSHA512`,
        `TargetProcessStatusCode`,
        `TargetProcessTokenElevation`,
        `HashType`,
        `RuleName`,
        `RuleNumber`,
        `Rule`,
        `ThreatId`,
        `ThreatName`,
        `ThreatCategory`,
        `ThreatRiskLevel`,
        `ThreatOriginalRiskLevel`,
        `ThreatField`,
        `ThreatConfidence`,
        `ThreatOriginalConfidence`,
        `ThreatIsActive`,
        `ThreatFirstReportedTime`,
        `ThreatLastReportedTime`
      FROM `imProcessCreate`
    ) AS _q1
    GROUP BY
      TIMESTAMP_MICROS(
        (
          (
            UNIX_MICROS(`TimeGenerated`) + 62135596800000000
          ) DIV CASE
            WHEN (
              (
                CAST(36000000000 AS BIGINT)
              ) DIV 10
            ) > 0
            THEN (
              CAST(36000000000 AS BIGINT)
            ) DIV 10
          END - CASE
            WHEN (
              UNIX_MICROS(`TimeGenerated`) + 62135596800000000
            ) % CASE
              WHEN (
                (
                  CAST(36000000000 AS BIGINT)
                ) DIV 10
              ) > 0
              THEN (
                CAST(36000000000 AS BIGINT)
              ) DIV 10
            END <> 0
            AND (
              (
                UNIX_MICROS(`TimeGenerated`) + 62135596800000000
              ) < 0
            ) <> (
              CASE
                WHEN (
                  (
                    CAST(36000000000 AS BIGINT)
                  ) DIV 10
                ) > 0
                THEN (
                  CAST(36000000000 AS BIGINT)
                ) DIV 10
              END < 0
            )
            THEN 1
            ELSE 0
          END
        ) * (
          (
            CAST(36000000000 AS BIGINT)
          ) DIV 10
        ) - 62135596800000000
      ),
      `User`
  ) AS _q2
) AS _q3
