import { NORMALISED } from './normalised';
import type { PolicyInput } from './schemas';

/**
 * The assistance policies the seed documents name, each citing its source: the document (its number,
 * or its full title where the seed prints none), the article, and a short quote. Amounts are null where
 * the seeds leave them to local rules; the steps are those every office follows until a local
 * checklist (政策清单、经办流程) replaces them with a new version. Policies of the 2021 guidance end
 * with its transition period (2025-12-31) and are kept, ended, for the record; those carried forward into
 * normalised assistance from 2026 are in ./normalised.ts with the article that continues them. Public-welfare posts are the
 * safety net (兜底) for those without work, so their rule asks for that too. 雨露计划 is for students of
 * lifted families, which the register does not record yet: it joins with the Rain Dew files.
 */
const TRANSITION: PolicyInput[] = [
  {
    "key": "cross_province_transport_subsidy",
    "title": {
      "zh-CN": "跨省就业一次性交通补助",
      "en": "One-time transport subsidy for working in another province"
    },
    "summary": {
      "zh-CN": "脱贫人口到外省打工，可以按规定领一次路费补助。",
      "en": "If you were lifted out of poverty and you work in another province, you can get a one-time travel subsidy."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "一次性交通补助，金额按当地规定，钱从衔接推进乡村振兴补助资金里出。",
      "en": "A one-time transport subsidy. The amount follows local rules. It is paid from rural revitalisation linkage funds (衔接推进乡村振兴补助资金).",
      "amountFen": null,
      "unit": "once"
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "eq",
          "value": "lifted"
        },
        {
          "employment": {
            "outside": "province",
            "current": true
          }
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人社部门，或村里、乡镇的“家门口”就业服务站",
        "en": "The local human resources and social security office, or the employment service station near your home"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "二(四)",
      "seed": "004",
      "quote": "按规定对跨省就业的脱贫人口适当安排一次性交通补助，由衔接推进乡村振兴补助资金列支"
    }
  },
  {
    "key": "rural_public_welfare_post",
    "title": {
      "zh-CN": "乡村公益性岗位",
      "en": "Rural public-welfare jobs"
    },
    "summary": {
      "zh-CN": "找不到别的工作的脱贫人口，可以在村里做公益性岗位，按规定拿岗位补贴。只看能不能干好这份活，不看年龄和残疾。",
      "en": "If you were lifted out of poverty and cannot find other work, you can take a public-welfare job in your village and get a job subsidy. What counts is whether you can do the job, not your age or a disability."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "一份乡村公益性岗位：按规定领岗位补贴，单位给买意外伤害商业保险，签劳动合同或劳务协议（每次最长1年）。做非全日制岗位的，还可以兼职打零工。",
      "en": "A rural public-welfare job: a job subsidy under the rules, commercial accident insurance bought for you, and a labour contract or agreement (at most 1 year each time). If the post is part-time, you may also take other flexible work.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "in",
          "value": [
            "lifted",
            "monitored"
          ]
        },
        {
          "fact": "laborCapacity",
          "op": "ne",
          "value": "none"
        },
        {
          "fact": "employed",
          "op": "eq",
          "value": false
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "岗位按需设置、公开招用，被聘用后签合同或协议（每次不超过1年）。",
          "en": "Posts are set up by need and filled through a set hiring procedure. If you are hired, you sign a contract or agreement (at most 1 year each time)."
        },
        {
          "zh-CN": "在岗期间领补贴，合同到期按规定有序退岗或续聘。",
          "en": "You get the subsidy while you hold the post; when the term ends you leave in an orderly way or are re-hired under the rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人社部门，或村里、乡镇的“家门口”就业服务站",
        "en": "The local human resources and social security office, or the employment service station near your home"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2023-09-01",
    "validTo": null,
    "source": {
      "document": "人社部发〔2023〕44号",
      "article": "二(四)",
      "seed": "000",
      "quote": "以是否能胜任、是否能完成岗位职责任务为标准，取消年龄、残疾等不合理招用限制"
    }
  },
  {
    "key": "rural_public_welfare_post_fujian",
    "title": {
      "zh-CN": "福建：公益性岗位兜底安置弱劳力、半劳力和返乡无业人员",
      "en": "Fujian: public-welfare jobs for weak or partial labour and returnees without work"
    },
    "summary": {
      "zh-CN": "在福建，身体只能干轻活的脱贫劳动力，和从外地回家后没活干的脱贫劳动力，优先安排公益性岗位，比如保洁、护林、养老服务。",
      "en": "In Fujian, lifted workers who can only do light work, and lifted workers who came home and have no job, are first in line for public-welfare jobs such as cleaning, forest care or elderly care."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "兜底安排一份公益性岗位，如公共设施维护、卫生医护服务、养老服务、环境绿化、保安、保洁、护林。福建要求岗位开发力度不松、数量不减。",
      "en": "A fallback public-welfare job, e.g. upkeep of public facilities, health-care support, elderly care, greening, security guard, cleaning, forest ranger. Fujian keeps the number of such posts from falling.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "in",
          "value": [
            "lifted",
            "monitored"
          ]
        },
        {
          "any": [
            {
              "fact": "laborCapacity",
              "op": "in",
              "value": [
                "weak",
                "partial"
              ]
            },
            {
              "all": [
                {
                  "fact": "employed",
                  "op": "eq",
                  "value": false
                },
                {
                  "employment": {
                    "outside": "county",
                    "current": false
                  }
                }
              ]
            }
          ]
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人社部门，或村里、乡镇的“家门口”就业服务站",
        "en": "The local human resources and social security office, or the employment service station near your home"
      }
    },
    "mode": "ordinary",
    "regionCode": "35",
    "overrides": null,
    "validFrom": "2023-10-27",
    "validTo": null,
    "source": {
      "document": "闽人社文〔2023〕121号",
      "article": "三",
      "seed": "000",
      "quote": "紧盯弱劳力、半劳力与返乡无业可就的脱贫劳动力，继续维持公益性岗位开发力度不松、数量不减"
    }
  },
  {
    "key": "flexible_employment_social_insurance_subsidy",
    "title": {
      "zh-CN": "灵活就业社会保险补贴",
      "en": "Social insurance subsidy for flexible work"
    },
    "summary": {
      "zh-CN": "脱贫人口打零工、做非全日制或平台上的新型工作，交社保时可以按规定得到补贴。",
      "en": "If you were lifted out of poverty and do flexible work (part-time, gig or platform work), you can get help with your social insurance payments under the rules."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "按规定给予社会保险补贴（同时可按规定享受税费减免、场地支持）。",
      "en": "A social insurance subsidy under the rules (tax and fee relief and help with a work place may also apply).",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "eq",
          "value": "lifted"
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人社部门，或村里、乡镇的“家门口”就业服务站",
        "en": "The local human resources and social security office, or the employment service station near your home"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "三(十一)",
      "seed": "004",
      "quote": "支持脱贫人口通过非全日制、新就业形态等多种形式灵活就业，按照有关规定给予税费减免、场地支持、社会保险补贴"
    }
  },
  {
    "key": "self_employment_tax_relief",
    "title": {
      "zh-CN": "个体经营税费减免",
      "en": "Tax and fee relief for running your own small business"
    },
    "summary": {
      "zh-CN": "脱贫人口在县城、镇上开小店、做个体经营，可以按规定少交或免交一些税费。",
      "en": "If you were lifted out of poverty and run a small shop or business in the county town, you can pay less tax and fewer fees under the rules."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "按有关规定减免税费，还可按规定得到场地支持、社会保险补贴。",
      "en": "Tax and fee relief under the relevant rules; help with a work place and a social insurance subsidy may also apply.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "eq",
          "value": "lifted"
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人力资源社会保障部门（人社部门）",
        "en": "The local human resources and social security office (人社部门)"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "三(十一)",
      "seed": "004",
      "quote": "支持脱贫人口在县域城镇地区从事个体经营……按照有关规定给予税费减免"
    }
  },
  {
    "key": "business_guarantee_loan",
    "title": {
      "zh-CN": "创业担保贷款及贴息",
      "en": "Guaranteed start-up loan with interest subsidy"
    },
    "summary": {
      "zh-CN": "回乡创业的农民工、村里的能人、有条件的脱贫人口自己创业，可以按规定申请创业担保贷款，利息有补贴。",
      "en": "Migrant workers who come home to start a business, capable local people, and people lifted out of poverty who start their own business can apply for a guaranteed start-up loan, with help paying the interest."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "创业担保贷款，并按规定给予贴息。",
      "en": "A guaranteed business loan, with the interest partly paid under the rules.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": []
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人力资源社会保障部门（人社部门）",
        "en": "The local human resources and social security office (人社部门)"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "三(十)",
      "seed": "004",
      "quote": "帮助有条件的脱贫人口自主创业，按规定落实税费减免、场地安排、创业担保贷款及贴息"
    }
  },
  {
    "key": "one_time_startup_subsidy",
    "title": {
      "zh-CN": "一次性创业补贴",
      "en": "One-time start-up subsidy"
    },
    "summary": {
      "zh-CN": "自己创业的脱贫人口和回乡创业的人，可以按规定领一次创业补贴，还可以参加创业培训。",
      "en": "People lifted out of poverty who start their own business, and people who come home to start one, can get a one-time start-up subsidy and start-up training under the rules."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "一次性创业补贴，金额按当地规定；另可参加创业培训。",
      "en": "A one-time start-up subsidy (amount set by local rules), plus start-up training.",
      "amountFen": null,
      "unit": "once"
    },
    "rule": {
      "all": []
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人力资源社会保障部门（人社部门）",
        "en": "The local human resources and social security office (人社部门)"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "三(十)",
      "seed": "004",
      "quote": "帮助有条件的脱贫人口自主创业……一次性创业补贴和创业培训等政策支持"
    }
  },
  {
    "key": "training_living_allowance",
    "title": {
      "zh-CN": "职业技能培训期间生活费补贴",
      "en": "Living allowance during skills training"
    },
    "summary": {
      "zh-CN": "脱贫人口和农村低收入人口参加职业技能培训，培训期间可以按规定领生活费补贴。",
      "en": "If you were lifted out of poverty or have a low rural income and you attend skills training, you can get a living allowance while you train."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "参加职业技能培训，培训期间按规定发生活费补贴。",
      "en": "Skills training, and a living allowance during the training under the rules.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "in",
          "value": [
            "lifted",
            "monitored",
            "low_income"
          ]
        },
        {
          "training": {}
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "报名参加当地组织的职业技能培训。",
          "en": "Sign up for a skills training course organised locally."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人社部门，或村里、乡镇的“家门口”就业服务站",
        "en": "The local human resources and social security office, or the employment service station near your home"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "四(十四)",
      "seed": "004",
      "quote": "加大脱贫人口、农村低收入人口职业技能培训力度，在培训期间按规定给予生活费补贴"
    }
  },
  {
    "key": "work_relief_jobs",
    "title": {
      "zh-CN": "以工代赈项目务工",
      "en": "Jobs on work-relief (以工代赈) projects"
    },
    "summary": {
      "zh-CN": "政府在家门口搞的农村基础设施等以工代赈工程，优先招脱贫人口和低收入人口干活，要签协议，工钱按时足额发。",
      "en": "Government work-relief projects near home (such as small farm and village infrastructure) hire lifted and low-income people first. You sign a labour agreement and your pay must be paid on time and in full."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "在当地以工代赈项目上务工，签劳务协议，劳务报酬及时足额发放；可参加就业技能培训。",
      "en": "Work on a local work-relief project, with a signed labour agreement and pay on time and in full; job skills training may be offered.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "in",
          "value": [
            "lifted",
            "monitored",
            "low_income"
          ]
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向村委会、乡镇或“家门口”就业服务站说明想在附近务工，登记务工需求。",
          "en": "Tell your village committee, township or local employment service station that you want to work nearby, so your wish is recorded."
        },
        {
          "zh-CN": "由乡镇、村委会、劳务专业合作社、劳务经纪人或人力资源服务公司组织上工。",
          "en": "The township, village committee, a labour cooperative, a labour broker or an HR company organises you onto a project."
        },
        {
          "zh-CN": "与施工单位签订用工合同（劳务协议），按时足额领取劳务报酬。",
          "en": "Sign a labour agreement with the construction company and receive your pay on time and in full."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "项目所在乡镇政府、村委会，或当地人社部门、发展改革部门",
        "en": "The township government or village committee where the project is, or the local human resources or development and reform office"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2023-09-01",
    "validTo": null,
    "source": {
      "document": "人社部发〔2023〕44号",
      "article": "二(三)",
      "seed": "000",
      "quote": "优先组织符合条件的脱贫人口和其他低收入群体参与项目建设"
    }
  },
  {
    "key": "youth_public_welfare_fallback_shandong",
    "title": {
      "zh-CN": "山东：脱贫家庭未就业大学毕业生和长期失业青年就业帮扶",
      "en": "Shandong: job help for jobless graduates and long-term unemployed youth from lifted families"
    },
    "summary": {
      "zh-CN": "在山东，脱贫家庭里没找到工作的大学毕业生和长期没工作的年轻人，优先得到职业指导、岗位推荐和培训见习；实在找不到市场上的工作，可以安排公益性岗位。",
      "en": "In Shandong, jobless university graduates and long-term unemployed young people from lifted families get career advice, job referrals and training or internships first. If they really cannot find a job on the market, they can get a public-welfare job."
    },
    "audience": "worker",
    "benefit": {
      "zh-CN": "优先提供职业指导、岗位推介、培训见习；确实难以通过市场渠道就业的，提供公益性岗位兜底安置。",
      "en": "Priority career guidance, job referrals, training and internships; a fallback public-welfare job for those who really cannot find work on the market.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": [
        {
          "fact": "category",
          "op": "in",
          "value": [
            "lifted",
            "monitored"
          ]
        },
        {
          "fact": "employed",
          "op": "eq",
          "value": false
        }
      ]
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。",
          "en": "Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人社部门、“家门口”就业服务站或“零工驿站”",
        "en": "The local human resources and social security office, an employment service station near home, or an odd-job station (零工驿站)"
      }
    },
    "mode": "ordinary",
    "regionCode": "37",
    "overrides": null,
    "validFrom": "2023-10-12",
    "validTo": null,
    "source": {
      "document": "山东省人力资源和社会保障厅 山东省发展和改革委员会 山东省农业农村厅关于开展防止返贫就业攻坚行动的通知",
      "article": "二(五)",
      "seed": "001",
      "quote": "加强脱贫家庭未就业高校毕业生、长期失业青年就业帮扶……提供公益性岗位兜底安置"
    }
  },
  {
    "key": "employer_social_insurance_subsidy",
    "title": {
      "zh-CN": "企业吸纳脱贫人口社会保险补贴",
      "en": "Social insurance subsidy for employers who hire lifted workers"
    },
    "summary": {
      "zh-CN": "企业招用脱贫人口并符合条件的，可以按规定领社会保险补贴。",
      "en": "Companies that hire people lifted out of poverty and meet the conditions can get a social insurance subsidy under the rules."
    },
    "audience": "employer",
    "benefit": {
      "zh-CN": "按规定给予社会保险补贴。",
      "en": "A social insurance subsidy under the rules.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": []
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门咨询本地的政策清单和经办流程。",
          "en": "Ask the local human resources and social security office (人社部门) for the local policy list and procedure."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人力资源社会保障部门（人社部门）",
        "en": "The local human resources and social security office (人社部门)"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "二(五)",
      "seed": "004",
      "quote": "对符合条件的吸纳脱贫人口就业的企业，按规定落实社会保险补贴、创业担保贷款及贴息等政策"
    }
  },
  {
    "key": "unemployment_insurance_job_retention_refund",
    "title": {
      "zh-CN": "失业保险稳岗返还",
      "en": "Unemployment insurance job-retention refund"
    },
    "summary": {
      "zh-CN": "企业稳住岗位、优先留用脱贫人口，可以按规定享受失业保险稳岗返还。",
      "en": "Companies that keep jobs stable and keep their lifted workers can get the unemployment insurance job-retention refund under the rules."
    },
    "audience": "employer",
    "benefit": {
      "zh-CN": "按规定享受失业保险稳岗返还（同条还提到培训补贴）。",
      "en": "The unemployment insurance job-retention refund under the rules (the same item also names training subsidies).",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": []
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门咨询本地的政策清单和经办流程。",
          "en": "Ask the local human resources and social security office (人社部门) for the local policy list and procedure."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人力资源社会保障部门（人社部门）",
        "en": "The local human resources and social security office (人社部门)"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "二(五)",
      "seed": "004",
      "quote": "落实失业保险稳岗返还、培训补贴等政策，引导支持优先留用脱贫人口"
    }
  },
  {
    "key": "fujian_cross_province_hiring_subsidy",
    "title": {
      "zh-CN": "福建：吸纳中西部脱贫人口跨省就业补助",
      "en": "Fujian: subsidy for employers hiring lifted workers from central and western provinces"
    },
    "summary": {
      "zh-CN": "福建的企业招用从中西部省份来闽打工的脱贫人口，可以得到补助，补助要用来改善工作条件、提高工人待遇。",
      "en": "Companies in Fujian that hire people lifted out of poverty who came from central and western provinces get a subsidy. They are urged to use it to improve working conditions and pay."
    },
    "audience": "employer",
    "benefit": {
      "zh-CN": "吸纳中西部脱贫人口跨省就业补助资金，各地须在年底前全额发放；鼓励企业用于改善用工条件、提升员工待遇。",
      "en": "A subsidy for hiring lifted workers from central and western provinces; local offices must pay it in full before the end of the year. Companies are encouraged to use it to improve working conditions and staff pay.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": []
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门咨询本地的政策清单和经办流程。",
          "en": "Ask the local human resources and social security office (人社部门) for the local policy list and procedure."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "福建省内当地人社部门",
        "en": "The local human resources and social security office in Fujian"
      }
    },
    "mode": "ordinary",
    "regionCode": "35",
    "overrides": null,
    "validFrom": null,
    "validTo": null,
    "source": {
      "document": "闽人社文〔2023〕121号",
      "article": "一",
      "seed": "000",
      "quote": "年底前，要全额发放“吸纳中西部脱贫人口跨省就业补助资金”"
    }
  },
  {
    "key": "work_for_training_subsidy",
    "title": {
      "zh-CN": "以工代训职业培训补贴（已到期）",
      "en": "Vocational training subsidy for on-the-job training (以工代训) — expired"
    },
    "summary": {
      "zh-CN": "企业和就业帮扶车间招用脱贫人口、边干边培训的，曾可按人数领最长6个月的培训补贴。这项政策只到2021年底。",
      "en": "Companies and assistance workshops that hired lifted workers and trained them on the job could get a training subsidy per person for up to 6 months. This policy ended at the end of 2021."
    },
    "audience": "employer",
    "benefit": {
      "zh-CN": "根据吸纳人数给予最长不超过6个月的职业培训补贴。",
      "en": "A vocational training subsidy based on the number of lifted workers hired, for at most 6 months.",
      "amountFen": null,
      "unit": "person"
    },
    "rule": {
      "all": []
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门咨询本地的政策清单和经办流程。",
          "en": "Ask the local human resources and social security office (人社部门) for the local policy list and procedure."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人力资源社会保障部门（人社部门）",
        "en": "The local human resources and social security office (人社部门)"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2021-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "三(九)",
      "seed": "004",
      "quote": "根据吸纳人数给予最长不超过6个月的职业培训补贴，政策执行时间至2021年底"
    }
  },
  {
    "key": "organised_labour_export_service_subsidy",
    "title": {
      "zh-CN": "有组织劳务输出就业创业服务补助",
      "en": "Service subsidy for organising group job departures"
    },
    "summary": {
      "zh-CN": "人力资源服务机构和劳务经纪人组织脱贫人口成批外出务工，可以按规定领就业创业服务补助。",
      "en": "HR agencies and labour brokers that organise people lifted out of poverty to go out to work can get an employment service subsidy under the rules."
    },
    "audience": "agency",
    "benefit": {
      "zh-CN": "按规定给予就业创业服务补助。",
      "en": "An employment and entrepreneurship service subsidy under the rules.",
      "amountFen": null,
      "unit": null
    },
    "rule": {
      "all": []
    },
    "apply": {
      "steps": [
        {
          "zh-CN": "向当地人社部门咨询本地的政策清单和经办流程。",
          "en": "Ask the local human resources and social security office (人社部门) for the local policy list and procedure."
        },
        {
          "zh-CN": "按当地的经办流程提出申请，由人社部门按规定审核。",
          "en": "Apply following the local procedure; the office checks it under the local rules."
        }
      ],
      "materials": [],
      "where": {
        "zh-CN": "当地人力资源社会保障部门（人社部门）",
        "en": "The local human resources and social security office (人社部门)"
      }
    },
    "mode": "ordinary",
    "regionCode": "",
    "overrides": null,
    "validFrom": "2021-05-04",
    "validTo": "2025-12-31",
    "source": {
      "document": "人力资源社会保障部 国家发展改革委 财政部 农业农村部 国家乡村振兴局关于切实加强就业帮扶巩固拓展脱贫攻坚成果助力乡村振兴的指导意见",
      "article": "二(四)",
      "seed": "004",
      "quote": "对面向脱贫人口开展有组织劳务输出的人力资源服务机构、劳务经纪人，按规定给予就业创业服务补助"
    }
  }
];

export const CATALOGUE: PolicyInput[] = [...TRANSITION, ...NORMALISED];
